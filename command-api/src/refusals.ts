import { DomainError } from '@flowdose/shared/errors';

// Refusals whose answer is not the usual 409: a process that recorded a refusal answers it
// again, with the same status, to every retry.
const STATUS: Record<string, number> = { 'payment-declined': 402, 'payment-provider-refused': 502 };

/** A recorded refusal turned back into the error its first answer was. */
export const refusal = (code: string, detail: string) => new DomainError(code, detail, STATUS[code] ?? 409);
