const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const decode = (html: string) => html.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);

/**
 * A search hit's highlighted title (escaped HTML whose only tags are <mark>) rendered as React
 * elements: split at the marks and unescaped, so nothing in it is ever parsed as HTML.
 */
export function Highlighted({ html }: { html: string }) {
  // split with a capture group: text at even indices, the marked words at odd ones.
  const parts = html.split(/<mark>(.*?)<\/mark>/);
  return (
    <>
      {parts.map((part, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: the parts never move; their place is their identity.
        i % 2 === 1 ? <mark key={i}>{decode(part)}</mark> : decode(part),
      )}
    </>
  );
}
