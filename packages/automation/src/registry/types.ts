// The registry interface and the raw candidate shape (the seed's combined_results entry plus what the
// registers add: trading names, addresses, status details). Scoring lives in @regbatch/machines.
import type { CompanyDetails } from '../company/details';

export interface RawCandidate {
  company_name: string;
  company_number: string;
  nzbn: string | null;
  status: string;
  incorporation_date: string | null;
  registered_address: string | null;
  match_source: 'name' | 'address';
  trading_names?: string[];
  previous_names?: string[];
  addresses?: string[];
  status_code?: string;
  removed_on?: string | null;
  removal_commenced?: boolean;
  in_liquidation?: boolean;
  entity_type?: string;
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
