// Cursors are base64url of JSON. Written with the web's btoa/atob rather than Node's Buffer,
// so the contract that reads them runs in the browser as well.

export function toBase64url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Throws on what is not base64url (atob's InvalidCharacterError). */
export function fromBase64url(encoded: string): string {
  const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
