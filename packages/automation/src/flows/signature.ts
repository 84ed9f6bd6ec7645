// The integrator signature the original's CloudWaitress client sent: HMAC-SHA256(secret, email+phone+password).
import { createHmac } from 'node:crypto';

export function registrationSignatureHex(secret: string, email: string, phone: string, password: string): string {
  return createHmac('sha256', secret).update(email + phone + password).digest('hex');
}
