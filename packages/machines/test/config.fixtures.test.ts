/// <reference types="node" />
// Every lead of fixtures/leads.csv (messy phones, an IDN email domain, colours in several spellings, hours cells)
// yields restaurant facts and step-4 defaults that validate, with each field normalised.
import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import {
  defaultExecutionConfig,
  emailSchema,
  formatOpeningHours,
  hexColourSchema,
  normaliseExecutionConfig,
  nzPhoneSchema,
  parseOpeningHours,
} from '../src/config';
import { RestaurantFactsSchema } from '../src/restaurant';

const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/', import.meta.url));

/** The fixture files through the same RFC 4180 parser the importer uses. */
const readCsv = (text: string): Record<string, string>[] => parse(text, { columns: true, bom: true, skip_empty_lines: true });

const leads = readCsv(readFileSync(`${fixtures}leads.csv`, 'utf8'));

describe('fixture leads', () => {
  test('there are 25, and one has an IDN email domain', () => {
    expect(leads).toHaveLength(25);
    expect(leads.filter((l) => [...(l.email ?? '')].some((c) => c.charCodeAt(0) > 127))).toHaveLength(1);
  });

  test.each(leads.map((lead, i) => [lead.name ?? '', i] as const))(
    '%s: fields normalise and the defaults validate',
    (_name, i) => {
      const lead = leads[i] as Record<string, string>;
      const phone = nzPhoneSchema.parse(lead.phone);
      expect(phone).toMatch(/^\+64\d{8,10}$/);
      const email = emailSchema.parse(lead.email);
      expect(email).toMatch(/^[\x21-\x7e]+$/);
      expect(email).toBe(email.toLowerCase());
      const hours = parseOpeningHours(lead.opening_hours ?? '');
      expect(parseOpeningHours(formatOpeningHours(hours))).toEqual(hours);

      const restaurant = RestaurantFactsSchema.parse({
        id: `lead-${i}`,
        name: lead.name,
        address: lead.address,
        city: lead.city,
        phone: lead.phone,
        email: lead.email,
        website_url: lead.website_url,
        ubereats_url: lead.ubereats_url,
        cuisine: [lead.cuisine],
        opening_hours: lead.opening_hours,
        primary_color: lead.primary_color,
        secondary_color: lead.secondary_color,
      });
      const config = normaliseExecutionConfig(
        defaultExecutionConfig(restaurant, null, { accountPasswordRef: { secret_ref: '6d1c2b7e-8f3a-4b5c-9d0e-1f2a3b4c5d6e' } }),
      );
      expect(config.email).toBe(email);
      expect(config.phone).toBe(phone);
      expect(config.restaurant.opening_hours).toEqual(hours);
      expect(config.settings.primary_color).toBe(hexColourSchema.parse(lead.primary_color));
      expect(config.settings.secondary_color).toBe(hexColourSchema.parse(lead.secondary_color));
      expect(config.restaurant.subdomain).toMatch(/^[a-z0-9][a-z0-9-]{2,61}[a-z0-9]$/);
    },
  );
});
