-- The four registration tables exactly as the seed (shared/seed/registration-batch-schema.md) defines them:
-- columns, CHECK lists, indexes and triggers verbatim; only `if not exists` / `or replace` were added so the
-- file re-runs on the live database, where the user already pasted these blocks. RLS follows the seed's amendment.

CREATE TABLE IF NOT EXISTS public.registration_batch_jobs (
  id UUID NOT NULL PRIMARY KEY DEFAULT extensions.uuid_generate_v4(),

  -- Basic Info
  name TEXT NOT NULL,
  organisation_id UUID NOT NULL,

  -- Source Tracking
  source_lead_scrape_job_id UUID NULL,

  -- Status & Execution Mode
  status TEXT NOT NULL DEFAULT 'pending',
  execution_mode TEXT NOT NULL DEFAULT 'parallel',
  -- parallel: All restaurants progress through steps independently
  -- sequential: One restaurant completes before next starts (fallback)

  -- Progress Tracking
  total_restaurants INTEGER DEFAULT 0,
  completed_restaurants INTEGER DEFAULT 0,
  failed_restaurants INTEGER DEFAULT 0,
  current_step INTEGER DEFAULT 1,
  total_steps INTEGER DEFAULT 6,

  -- User Tracking
  created_by UUID NULL,

  -- Timestamps
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  started_at TIMESTAMP WITH TIME ZONE NULL,
  completed_at TIMESTAMP WITH TIME ZONE NULL,
  cancelled_at TIMESTAMP WITH TIME ZONE NULL,

  -- Metadata
  metadata JSONB DEFAULT '{}',

  -- Foreign Keys
  CONSTRAINT registration_batch_jobs_org_fk FOREIGN KEY (organisation_id)
    REFERENCES organisations(id),
  CONSTRAINT registration_batch_jobs_source_job_fk FOREIGN KEY (source_lead_scrape_job_id)
    REFERENCES lead_scrape_jobs(id) ON DELETE SET NULL,

  -- Check Constraints
  CONSTRAINT registration_batch_jobs_status_check CHECK (
    status = ANY (ARRAY['draft', 'pending', 'in_progress', 'completed', 'failed', 'cancelled'])
  ),
  CONSTRAINT registration_batch_jobs_mode_check CHECK (
    execution_mode = ANY (ARRAY['sequential', 'parallel'])
  )
);

-- Indexes
CREATE INDEX IF NOT EXISTS idx_registration_batch_jobs_status ON public.registration_batch_jobs USING BTREE (status);
CREATE INDEX IF NOT EXISTS idx_registration_batch_jobs_org ON public.registration_batch_jobs USING BTREE (organisation_id);
CREATE INDEX IF NOT EXISTS idx_registration_batch_jobs_created_at ON public.registration_batch_jobs USING BTREE (created_at DESC);
CREATE INDEX IF NOT EXISTS idx_registration_batch_jobs_source_job ON public.registration_batch_jobs USING BTREE (source_lead_scrape_job_id);

-- Updated_at Trigger
CREATE OR REPLACE TRIGGER update_registration_batch_jobs_updated_at
  BEFORE UPDATE ON registration_batch_jobs
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE IF NOT EXISTS public.registration_jobs (
  id UUID NOT NULL PRIMARY KEY DEFAULT extensions.uuid_generate_v4(),

  -- Relationships
  batch_job_id UUID NOT NULL,
  restaurant_id UUID NOT NULL,
  organisation_id UUID NOT NULL,

  -- Status
  status TEXT NOT NULL DEFAULT 'pending',
  current_step INTEGER DEFAULT 1,
  total_steps INTEGER DEFAULT 6,

  -- Configuration (from Yolo Mode settings)
  execution_config JSONB NOT NULL DEFAULT '{}',

  -- Results
  pumpd_user_id UUID NULL,
  pumpd_restaurant_id UUID NULL,
  execution_results JSONB DEFAULT '{}',

  -- Error Tracking
  error_message TEXT NULL,
  last_error_details JSONB NULL,

  -- Timestamps
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  started_at TIMESTAMP WITH TIME ZONE NULL,
  completed_at TIMESTAMP WITH TIME ZONE NULL,

  -- Metadata
  metadata JSONB DEFAULT '{}',

  -- Foreign Keys
  CONSTRAINT registration_jobs_batch_fk FOREIGN KEY (batch_job_id)
    REFERENCES registration_batch_jobs(id) ON DELETE CASCADE,
  CONSTRAINT registration_jobs_restaurant_fk FOREIGN KEY (restaurant_id)
    REFERENCES restaurants(id) ON DELETE CASCADE,
  CONSTRAINT registration_jobs_org_fk FOREIGN KEY (organisation_id)
    REFERENCES organisations(id),

  -- Check Constraints
  CONSTRAINT registration_jobs_status_check CHECK (
    status = ANY (ARRAY['pending', 'in_progress', 'completed', 'failed', 'cancelled', 'skipped'])
  ),

  -- Unique Constraints
  CONSTRAINT registration_jobs_unique_restaurant_batch UNIQUE (batch_job_id, restaurant_id)
);

-- Indexes
CREATE INDEX IF NOT EXISTS idx_registration_jobs_batch ON public.registration_jobs USING BTREE (batch_job_id);
CREATE INDEX IF NOT EXISTS idx_registration_jobs_restaurant ON public.registration_jobs USING BTREE (restaurant_id);
CREATE INDEX IF NOT EXISTS idx_registration_jobs_status ON public.registration_jobs USING BTREE (status);
CREATE INDEX IF NOT EXISTS idx_registration_jobs_org ON public.registration_jobs USING BTREE (organisation_id);

-- Updated_at Trigger
CREATE OR REPLACE TRIGGER update_registration_jobs_updated_at
  BEFORE UPDATE ON registration_jobs
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE IF NOT EXISTS public.registration_job_steps (
  id UUID NOT NULL PRIMARY KEY DEFAULT extensions.uuid_generate_v4(),

  -- Relationships
  job_id UUID NOT NULL,

  -- Step Identification
  step_number INTEGER NOT NULL,
  step_name TEXT NOT NULL,
  step_description TEXT NULL,
  step_type TEXT NOT NULL DEFAULT 'automatic',

  -- Status
  status TEXT NOT NULL DEFAULT 'pending',

  -- Sub-Step Progress (for Yolo Mode step)
  sub_step_progress JSONB DEFAULT '{}',

  -- Timing
  started_at TIMESTAMP WITH TIME ZONE NULL,
  completed_at TIMESTAMP WITH TIME ZONE NULL,
  duration_ms INTEGER NULL,

  -- Error Handling
  error_message TEXT NULL,
  error_details JSONB NULL,
  retry_count INTEGER DEFAULT 0,
  max_retries INTEGER DEFAULT 3,

  -- Result Data
  result_data JSONB DEFAULT '{}',

  -- Timestamps
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),

  -- Metadata
  metadata JSONB DEFAULT '{}',

  -- Foreign Keys
  CONSTRAINT registration_job_steps_job_fk FOREIGN KEY (job_id)
    REFERENCES registration_jobs(id) ON DELETE CASCADE,

  -- Unique Constraints
  CONSTRAINT registration_job_steps_unique UNIQUE (job_id, step_number),

  -- Check Constraints
  CONSTRAINT registration_job_steps_status_check CHECK (
    status = ANY (ARRAY['pending', 'in_progress', 'action_required', 'completed', 'failed', 'skipped', 'retrying'])
  ),
  CONSTRAINT registration_job_steps_type_check CHECK (
    step_type = ANY (ARRAY['automatic', 'action_required'])
  ),
  CONSTRAINT registration_job_steps_step_range CHECK (
    step_number >= 1 AND step_number <= 6
  )
);

-- Indexes
CREATE INDEX IF NOT EXISTS idx_registration_job_steps_job ON public.registration_job_steps USING BTREE (job_id);
CREATE INDEX IF NOT EXISTS idx_registration_job_steps_status ON public.registration_job_steps USING BTREE (status);
CREATE INDEX IF NOT EXISTS idx_registration_job_steps_step_number ON public.registration_job_steps USING BTREE (step_number);

-- Updated_at Trigger
CREATE OR REPLACE TRIGGER update_registration_job_steps_updated_at
  BEFORE UPDATE ON registration_job_steps
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

CREATE TABLE IF NOT EXISTS public.companies_office_search_candidates (
  id UUID NOT NULL PRIMARY KEY DEFAULT extensions.uuid_generate_v4(),

  -- Relationships
  restaurant_id UUID NOT NULL,
  registration_job_id UUID NULL,

  -- Search Configuration
  search_queries JSONB NOT NULL,

  -- Search Results
  name_results JSONB DEFAULT '[]',
  address_results JSONB DEFAULT '[]',
  combined_results JSONB DEFAULT '[]',
  candidate_count INTEGER DEFAULT 0,

  -- Selection
  selected_company_number TEXT NULL,
  selected_company_data JSONB NULL,

  -- Status
  status TEXT NOT NULL DEFAULT 'pending',

  -- Timestamps
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  searched_at TIMESTAMP WITH TIME ZONE NULL,
  selected_at TIMESTAMP WITH TIME ZONE NULL,

  -- Foreign Keys
  CONSTRAINT companies_search_restaurant_fk FOREIGN KEY (restaurant_id)
    REFERENCES restaurants(id) ON DELETE CASCADE,
  CONSTRAINT companies_search_job_fk FOREIGN KEY (registration_job_id)
    REFERENCES registration_jobs(id) ON DELETE SET NULL,

  -- Unique Constraint
  CONSTRAINT companies_search_unique_restaurant UNIQUE (restaurant_id, registration_job_id),

  -- Check Constraints
  CONSTRAINT companies_search_status_check CHECK (
    status = ANY (ARRAY['pending', 'searching', 'awaiting_selection', 'selected', 'no_match', 'failed'])
  )
);

-- Indexes
CREATE INDEX IF NOT EXISTS idx_companies_search_restaurant ON public.companies_office_search_candidates USING BTREE (restaurant_id);
CREATE INDEX IF NOT EXISTS idx_companies_search_job ON public.companies_office_search_candidates USING BTREE (registration_job_id);
CREATE INDEX IF NOT EXISTS idx_companies_search_status ON public.companies_office_search_candidates USING BTREE (status);

-- Updated_at Trigger
CREATE OR REPLACE TRIGGER update_companies_search_updated_at
  BEFORE UPDATE ON companies_office_search_candidates
  FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- RLS (seed AMENDMENT 2): one permissive FOR ALL policy per table through has_org_access (via the job or the
-- restaurant where the table has no organisation column), plus a super-admin bypass. The seed's original
-- policies (which failed on the live DB) are dropped by name, then ours, so this file re-runs cleanly.

ALTER TABLE public.registration_batch_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.registration_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.registration_job_steps ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.companies_office_search_candidates ENABLE ROW LEVEL SECURITY;

DROP POLICY IF EXISTS "Users can view their org's batch jobs" ON public.registration_batch_jobs;
DROP POLICY IF EXISTS "Users can create batch jobs for their org" ON public.registration_batch_jobs;
DROP POLICY IF EXISTS "Users can update their org's batch jobs" ON public.registration_batch_jobs;
DROP POLICY IF EXISTS "registration_batch_jobs_org_access" ON public.registration_batch_jobs;
DROP POLICY IF EXISTS "registration_batch_jobs_super_admin_bypass" ON public.registration_batch_jobs;
CREATE POLICY "registration_batch_jobs_org_access" ON public.registration_batch_jobs
  FOR ALL TO authenticated
  USING (public.has_org_access(organisation_id))
  WITH CHECK (public.has_org_access(organisation_id));
CREATE POLICY "registration_batch_jobs_super_admin_bypass" ON public.registration_batch_jobs
  FOR ALL TO authenticated
  USING ((SELECT public.is_super_admin()))
  WITH CHECK ((SELECT public.is_super_admin()));

DROP POLICY IF EXISTS "Users can view their org's registration jobs" ON public.registration_jobs;
DROP POLICY IF EXISTS "Users can manage their org's registration jobs" ON public.registration_jobs;
DROP POLICY IF EXISTS "registration_jobs_org_access" ON public.registration_jobs;
DROP POLICY IF EXISTS "registration_jobs_super_admin_bypass" ON public.registration_jobs;
CREATE POLICY "registration_jobs_org_access" ON public.registration_jobs
  FOR ALL TO authenticated
  USING (public.has_org_access(organisation_id))
  WITH CHECK (public.has_org_access(organisation_id));
CREATE POLICY "registration_jobs_super_admin_bypass" ON public.registration_jobs
  FOR ALL TO authenticated
  USING ((SELECT public.is_super_admin()))
  WITH CHECK ((SELECT public.is_super_admin()));

DROP POLICY IF EXISTS "Users can view steps for their jobs" ON public.registration_job_steps;
DROP POLICY IF EXISTS "Users can manage steps for their jobs" ON public.registration_job_steps;
DROP POLICY IF EXISTS "registration_job_steps_org_access" ON public.registration_job_steps;
DROP POLICY IF EXISTS "registration_job_steps_super_admin_bypass" ON public.registration_job_steps;
CREATE POLICY "registration_job_steps_org_access" ON public.registration_job_steps
  FOR ALL TO authenticated
  USING (EXISTS (
    SELECT 1 FROM public.registration_jobs j
    WHERE j.id = registration_job_steps.job_id AND public.has_org_access(j.organisation_id)
  ))
  WITH CHECK (EXISTS (
    SELECT 1 FROM public.registration_jobs j
    WHERE j.id = registration_job_steps.job_id AND public.has_org_access(j.organisation_id)
  ));
CREATE POLICY "registration_job_steps_super_admin_bypass" ON public.registration_job_steps
  FOR ALL TO authenticated
  USING ((SELECT public.is_super_admin()))
  WITH CHECK ((SELECT public.is_super_admin()));

DROP POLICY IF EXISTS "Users can view their restaurant's search candidates" ON public.companies_office_search_candidates;
DROP POLICY IF EXISTS "Users can manage their restaurant's search candidates" ON public.companies_office_search_candidates;
DROP POLICY IF EXISTS "companies_office_search_candidates_org_access" ON public.companies_office_search_candidates;
DROP POLICY IF EXISTS "companies_office_search_candidates_super_admin_bypass" ON public.companies_office_search_candidates;
CREATE POLICY "companies_office_search_candidates_org_access" ON public.companies_office_search_candidates
  FOR ALL TO authenticated
  USING (EXISTS (
    SELECT 1 FROM public.restaurants r
    WHERE r.id = companies_office_search_candidates.restaurant_id AND public.has_org_access(r.organisation_id)
  ))
  WITH CHECK (EXISTS (
    SELECT 1 FROM public.restaurants r
    WHERE r.id = companies_office_search_candidates.restaurant_id AND public.has_org_access(r.organisation_id)
  ));
CREATE POLICY "companies_office_search_candidates_super_admin_bypass" ON public.companies_office_search_candidates
  FOR ALL TO authenticated
  USING ((SELECT public.is_super_admin()))
  WITH CHECK ((SELECT public.is_super_admin()));
