// Can this browser run an in-browser model? WebGPU, an adapter, shader-f16 and limits, checked before any download.

/** The slice of `navigator.gpu` we use, so tests hand in a fake. */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<AdapterLike | null>;
}

export interface AdapterLike {
  features: { has(name: string): boolean };
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number; maxComputeWorkgroupStorageSize: number; maxStorageBuffersPerShaderStage: number };
  info?: { vendor?: string; architecture?: string; description?: string };
}

export type DeviceReport =
  | { ok: false; reason: 'insecure' | 'no-webgpu' | 'no-adapter' | 'limits'; message: string; detail?: string }
  | { ok: true; f16: boolean; gpu: string; maxBufferMB: number; note: string };

const WORKING =
  'Chrome or Edge 113+ on Windows, macOS or ChromeOS, Safari 26, or Firefox 141+ on Windows (on Linux, Chrome needs chrome://flags/#enable-unsafe-webgpu)';

/** What web-llm's runtime asks of the adapter (its detectGPUDevice): lower limits fail after the download. */
const NEEDS = { maxBufferSize: 256 << 20, maxStorageBufferBindingSize: 128 << 20, maxComputeWorkgroupStorageSize: 32 << 10, maxStorageBuffersPerShaderStage: 10 };

export async function probeDevice(gpu: GpuLike | undefined, secure: boolean): Promise<DeviceReport> {
  if (!secure) return { ok: false, reason: 'insecure', message: 'In-browser models need WebGPU, which browsers give only to https:// pages and localhost. Open the app over https (or on 127.0.0.1); remote models still work.' };
  if (!gpu)
    return { ok: false, reason: 'no-webgpu', message: `This browser has no WebGPU, so models cannot run in this tab. Use ${WORKING}. Remote models still work.` };
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { ok: false, reason: 'no-adapter', message: noAdapter(), detail: String(err) };
  }
  if (!adapter) return { ok: false, reason: 'no-adapter', message: noAdapter() };
  const short = (Object.keys(NEEDS) as Array<keyof typeof NEEDS>).filter((k) => (adapter.limits[k] ?? 0) < NEEDS[k]);
  if (short.length)
    return {
      ok: false,
      reason: 'limits',
      message: `This GPU's WebGPU limits are too small for the models (${short.map((k) => `${k} ${adapter.limits[k]}, needs ${NEEDS[k]}`).join('; ')}). Update the browser, or use ${WORKING}.`,
    };
  const f16 = adapter.features.has('shader-f16');
  const info = adapter.info ?? {};
  const gpuName = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'WebGPU adapter';
  return {
    ok: true,
    f16,
    gpu: gpuName,
    maxBufferMB: Math.floor(adapter.limits.maxBufferSize / 2 ** 20),
    note: f16
      ? `Runs on ${gpuName}.`
      : `Runs on ${gpuName}, which has no shader-f16: the q4f32_1 variants are used (they need a little more memory).`,
  };
}

function noAdapter(): string {
  return `WebGPU is here but found no usable GPU (hardware acceleration off, the GPU blocked, or no GPU). Turn on hardware acceleration in the browser settings and update the GPU driver, or use ${WORKING}. Remote models still work.`;
}
