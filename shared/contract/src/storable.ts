// PostgreSQL holds neither in text or jsonb (the event log, the stored answers): a NUL
// character, or half of a UTF-16 surrogate pair, which JSON.parse makes of "\ud800".
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const storable = (text: string): boolean => !text.includes('\u0000') && !LONE_SURROGATE.test(text);
