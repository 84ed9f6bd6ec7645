// The registry interface and the raw candidate shape (the seed's combined_results entry plus what the
// registers add: trading names, addresses, status details). Scoring lives in @regbatch/machines.
import type { RegistryCompany } from '@regbatch/machines';
import type { CompanyDetails } from '../company/details';

/**
 * The machines' RegistryCompany (the seed's combined_results entry plus trading names, addresses, removal and
 * liquidation facts) tagged with the search that found it; `mergeSearchResults` turns two lists into 'both'.
 */
export interface RawCandidate extends RegistryCompany {
  match_source: 'name' | 'address';
  /** The register's numeric status code ("50", "80"...), when the source gives one. */
  status_code?: string;
}

export interface AddressQuery {
  street: string;
  city?: string | null;
}

export interface CallOptions {
  signal?: AbortSignal;
}

export interface CompanyRef {
  nzbn?: string | null;
  companyNumber?: string | null;
}

export interface RegistryClient {
  /** Name search (legal, trading and previous names). Throws RegistryError; never answers [] for a failure. */
  searchByName(name: string, opts?: CallOptions): Promise<RawCandidate[]>;
  /** Address-keyword search (street + city). */
  searchByAddress(query: AddressQuery | string, opts?: CallOptions): Promise<RawCandidate[]>;
  /** Full details for step 4, in the seed's selected_company_data shape. */
  getCompany(ref: CompanyRef, opts?: CallOptions): Promise<CompanyDetails>;
}
