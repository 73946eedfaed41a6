// The QR code of a link as an SVG image: the qrcode library loads only when a QR code is shown.

export interface QrImage {
  /** a data: URL of the SVG */
  src: string;
  /** modules across, quiet zone included */
  modules: number;
}

/** The quiet zone the QR standard asks for: 4 modules on each side. */
export const QUIET_ZONE = 4;

export async function qrImage(text: string): Promise<QrImage> {
  const QRCode = await import('qrcode');
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: QUIET_ZONE, color: { dark: '#000000ff', light: '#ffffffff' } });
  const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules.size + 2 * QUIET_ZONE;
  return { src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, modules };
}
