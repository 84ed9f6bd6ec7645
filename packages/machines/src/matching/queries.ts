// Builds the two registry searches' queries from a restaurant, as the original did (bracketed branch names stripped,
// the street taken from the address, the city kept), remembering the values they came from.
import type { RestaurantFacts } from '../restaurant';
import { cleanRestaurantName, extractStreet } from './normalise';
import type { SearchQueries } from './types';

const DISPLAY_LEGAL_SUFFIX = /[\s,]+(?:\(NZ\)\s+)?(?:Limited|Ltd\.?)$/i;

/** The restaurant name to search the register with: "(Mission Bay)", " - Queen St" and a trailing "Ltd" removed. */
export function searchableName(name: string): string {
  const cleaned = cleanRestaurantName(name).replace(DISPLAY_LEGAL_SUFFIX, '').trim();
  return cleaned === '' ? name.trim() : cleaned;
}

/** The city of a restaurant: its `city`, else the last part of its address that is not a postcode. */
export function restaurantCity(restaurant: Pick<RestaurantFacts, 'address' | 'city'>): string {
  const city = restaurant.city?.trim();
  if (city) return city;
  const parts = (restaurant.address ?? '')
    .split(',')
    .map((p) => p.replace(/\b\d{4}\b/g, '').trim())
    .filter((p) => p !== '' && !/^new zealand$/i.test(p));
  return parts.length > 1 ? (parts[parts.length - 1] as string) : '';
}

/** The seed's search_queries for a restaurant; `original_values` keeps the name, street and city as stored. */
export function buildSearchQueries(
  restaurant: Pick<RestaurantFacts, 'name' | 'address' | 'city'>,
): SearchQueries {
  const street = restaurant.address ? extractStreet(restaurant.address) : null;
  return {
    restaurant_name: searchableName(restaurant.name),
    street: street?.expanded ?? '',
    city: restaurantCity(restaurant),
    original_values: {
      restaurant_name: restaurant.name,
      street: street?.raw ?? restaurant.address?.trim() ?? '',
      city: restaurant.city?.trim() ?? '',
    },
  };
}
