// Shapes of company matching: the seed's search_queries and combined_results entries, scored candidates, the
// confidence policy, and the selected company's details that step 4 produces.

/** The seed's `companies_office_search_candidates.search_queries`. */
export interface SearchQueries {
  restaurant_name: string;
  street: string;
  city: string;
  original_values: {
    restaurant_name: string;
    street: string;
    city: string;
  };
}

export type MatchSource = 'name' | 'address' | 'both';

/**
 * A company as one registry search returns it: the seed's combined_results entry without `match_source`, plus what
 * the NZBN API can add (trading and previous names, other addresses, removal and liquidation facts).
 */
export interface RegistryCompany {
  company_name: string;
  company_number: string;
  nzbn: string | null;
  /** As the register words it: "Registered", "Removed", "In Liquidation", "In Receivership", … */
  status: string;
  incorporation_date: string | null;
  registered_address: string | null;
  trading_names?: string[];
  previous_names?: string[];
  /** Other current addresses (service, principal place of business). */
  addresses?: string[];
  entity_type?: string | null;
  /** ISO date the company was removed from the register. */
  removed_on?: string | null;
  /** Set when liquidation (or receivership) has begun; `started_on` is an ISO date when known. */
  liquidation?: { started_on?: string | null } | null;
  /** NZBN `removalCommenced`: still Registered, but on its way off the register. */
  removal_commenced?: boolean;
}

/** The seed's combined_results entry: a company and which search found it. */
export interface Candidate extends RegistryCompany {
  match_source: MatchSource;
}

/** Where a company stands on the register, as far as matching is concerned. */
export type CompanyStanding = 'registered' | 'removing' | 'liquidation' | 'removed' | 'other';

export type ScoreFactorKind = 'name' | 'trading_name' | 'previous_name' | 'address' | 'status';

/** One contribution to a score, with the sentence a person reads ("trading name equals restaurant name"). */
export interface ScoreFactor {
  factor: ScoreFactorKind;
  points: number;
  evidence: string;
}

export interface ScoredCandidate extends Candidate {
  /** Sum of the factors' points, clamped to 0..100. */
  score: number;
  standing: CompanyStanding;
  factors: ScoreFactor[];
  /** The factors' evidence sentences, strongest first. */
  evidence: string[];
}

export interface ConfidencePolicy {
  /** The top candidate's score must be at least this. */
  threshold: number;
  /** …and beat the runner-up by at least this many points. */
  margin: number;
  /** …and its name, trading-name or previous-name factor must give at least this many points: an address alone never decides. */
  minNamePoints: number;
  /**
   * When true (the default) only a registered company can be the confident choice. When false, a company that is
   * removed, in liquidation or being removed can be, but still never while a registered candidate's name fits.
   */
  registeredOnly: boolean;
}

/** The seed's selected_company_data (after step 4), with the NZBN lists the registry can return. */
export interface CompanyDetails {
  company_name: string;
  company_number: string;
  nzbn?: string | null;
  status?: string | null;
  incorporation_date?: string | null;
  registered_address?: string | null;
  directors?: Array<{
    name: string;
    full_name?: string | null;
    position?: string | null;
    status?: string | null;
    appointed_date?: string | null;
  }>;
  shareholders?: Array<{ name: string; type?: string | null; percentage?: string | null }>;
  nzbn_details?: {
    gst_number?: string | null;
    email?: string | null;
    phone?: string | null;
    website?: string | null;
    trading_name?: string | null;
    gst_numbers?: string[];
    emails?: string[];
    phones?: string[];
    websites?: string[];
  } | null;
}
