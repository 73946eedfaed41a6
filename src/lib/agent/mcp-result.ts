// An MCP tool result as the text a model reads: text items joined, everything else described in words, never markup to render.

type Item = { type?: unknown; [key: string]: unknown };

/**
 * What a tool's answer says. `structuredContent` stands in only when the tool sent no content items, and
 * `toolResult` is how servers of the 2024-10-07 protocol answered.
 */
export function resultText(result: { [key: string]: unknown }): string {
  const items = Array.isArray(result.content) ? (result.content as Item[]) : [];
  const parts = items.map(describe);
  const other = result.structuredContent ?? result.toolResult;
  if (parts.length === 0 && other !== undefined) parts.push(typeof other === 'string' ? other : JSON.stringify(other));
  return parts.length ? parts.join('\n') : '(the tool returned nothing)';
}

function describe(item: Item): string {
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  switch (item.type) {
    case 'text':
      return str(item.text);
    case 'image':
    case 'audio':
      return `[${item.type}: ${str(item.mimeType) || 'unknown type'}, ${sizeOf(str(item.data))}]`;
    case 'resource': {
      const r = (item.resource ?? {}) as Item;
      if (typeof r.text === 'string') return `[resource ${str(r.uri)}]\n${r.text}`;
      return `[resource: ${str(r.uri)}, ${str(r.mimeType) || 'unknown type'}, ${sizeOf(str(r.blob))}]`;
    }
    case 'resource_link':
      return `[resource link: ${str(item.name)} ${str(item.uri)}]`;
    default:
      return `[${typeof item.type === 'string' ? item.type : 'unknown'} content]`;
  }
}

/** The decoded size of base64 data, in words. */
function sizeOf(base64: string): string {
  const bytes = Math.floor((base64.replace(/=+$/, '').length * 3) / 4);
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} bytes`;
}
