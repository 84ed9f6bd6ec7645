// RestaurantFacts: the part of a `restaurants` row that company matching and configuration defaults read.
// Keys are the restaurants table's column names, so the engine can pass a row (or a subset) straight in.
import { z } from 'zod';
import { coerceOpeningHours, openingHoursSchema } from './config/openingHours';

const text = z.string().nullish();

/**
 * Schema for {@link RestaurantFacts}. Lenient on purpose: these are stored facts about a lead, not operator input,
 * so messy values (an unparseable phone, a colour without `#`) are kept as text and validated where they are used
 * (the ExecutionConfig defaults normalise or drop them).
 */
export const RestaurantFactsSchema = z.object({
  id: z.string().min(1),
  name: z.string().min(1),
  address: text,
  city: text,
  phone: text,
  email: text,
  website_url: text,
  ubereats_url: text,
  instagram_url: text,
  facebook_url: text,
  cuisine: z.array(z.string()).nullish(),
  /**
   * Structured hours (see openingHoursSchema). Stored shapes of the original and leads cells are read; hours that
   * cannot be read become null rather than failing the whole record (`opening_hours_text` keeps the raw cell).
   */
  opening_hours: z.preprocess(coerceOpeningHours, openingHoursSchema).nullish().catch(null),
  opening_hours_text: text,
  theme: z.enum(['light', 'dark']).nullish().catch(null),
  primary_color: text,
  secondary_color: text,
  logo_url: text,
  logo_nobg_url: text,
  logo_favicon_url: text,
  website_og_image: text,
  facebook_cover_image: text,
  ubereats_og_image: text,
  doordash_og_image: text,
  subdomain: text,
  contact_name: text,
  contact_email: text,
  contact_phone: text,
  user_email: text,
  // Not user_password_hint: a stored password (even a hint) must never enter snapshots; the step-4 handler reads it
  // from the restaurants row and seals it at the moment of use.
  gst_number: text,
  company_name: text,
  company_number: text,
  nzbn: text,
});

export type RestaurantFacts = z.infer<typeof RestaurantFactsSchema>;
