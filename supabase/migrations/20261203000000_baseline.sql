-- Baseline: the tables, helpers and policies the seed's registration tables reference, as the user's live
-- database has them (reference original-system §3; columns nothing here reads are left out). Safe on the live DB.

-- Helpers ------------------------------------------------------------------------------------------------

create or replace function public.update_updated_at_column() returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.updated_at = now();
  return new;
end;
$$;

-- Tables first: the helper functions below are SQL-checked against public.profiles at creation.

create table if not exists public.organisations (
  id uuid not null default gen_random_uuid() primary key,
  name text not null,
  settings jsonb null default '{}'::jsonb,
  status text null default 'active'::text,
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now(),
  constraint organisations_status_check check (status = any (array['active'::text, 'archived'::text]))
);
create index if not exists idx_organisations_status on public.organisations using btree (status);
create or replace trigger update_organisations_updated_at
  before update on public.organisations
  for each row execute function public.update_updated_at_column();

create table if not exists public.profiles (
  id uuid not null primary key references auth.users (id) on delete cascade,
  email text not null,
  name text null,
  role text null default 'user'::text,
  organisation_id uuid null references public.organisations (id),
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now(),
  constraint profiles_role_check check (role = any (array['super_admin'::text, 'admin'::text, 'user'::text]))
);
create index if not exists idx_profiles_organisation_id on public.profiles using btree (organisation_id);
create or replace trigger update_profiles_updated_at
  before update on public.profiles
  for each row execute function public.update_updated_at_column();

-- True when the caller is a super admin or belongs to org_id (reference §3.5). SECURITY DEFINER so that
-- policies can read profiles without recursing into profiles' own policy; search_path pinned against hijacking.
create or replace function public.has_org_access(org_id uuid) returns boolean
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
begin
  return exists (
    select 1
    from public.profiles p
    where p.id = (select auth.uid())
      and (p.role = 'super_admin' or p.organisation_id = org_id)
  );
end;
$$;

-- The super-admin bypass of every policy below, in one place for the same reason.
create or replace function public.is_super_admin() returns boolean
  language sql
  stable
  security definer
  set search_path = ''
as $$
  select exists (
    select 1 from public.profiles p where p.id = (select auth.uid()) and p.role = 'super_admin'
  );
$$;

create table if not exists public.restaurants (
  id uuid not null default extensions.uuid_generate_v4() primary key,
  name character varying(255) not null,
  slug character varying(255) null,
  address text null,
  city text null,
  phone character varying(50) null,
  email character varying(255) null,
  website character varying(255) null,
  website_url text null,
  ubereats_url text null,
  doordash_url text null,
  instagram_url text null,
  facebook_url text null,
  logo_url text null,
  logo_nobg_url text null,
  logo_standard_url text null,
  logo_thermal_url text null,
  logo_thermal_alt_url text null,
  logo_thermal_contrast_url text null,
  logo_thermal_adaptive_url text null,
  logo_favicon_url text null,
  hosted_logo_url text null,
  website_og_image text null,
  ubereats_og_image text null,
  doordash_og_image text null,
  facebook_cover_image text null,
  saved_images jsonb null default '[]'::jsonb,
  brand_colors jsonb null,
  theme text null,
  primary_color text null,
  secondary_color text null,
  tertiary_color text null,
  background_color text null,
  accent_color text null,
  cuisine text[] null,
  opening_hours jsonb null,
  opening_hours_text text null,
  contact_name text null,
  contact_email text null,
  contact_phone text null,
  contact_role text null,
  contact_instagram text null,
  contact_facebook text null,
  contact_linkedin text null,
  organisation_name text null,
  company_name text null,
  full_legal_name text null,
  nzbn text null,
  company_number text null,
  gst_number text null,
  additional_contacts_metadata jsonb null default '{}'::jsonb,
  user_email text null,
  user_password_hint text null,
  subdomain text null,
  stripe_connect_url text null,
  payment_settings jsonb null,
  service_settings jsonb null,
  onboarding_status text null default 'lead'::text,
  onboarding_completed_at timestamp with time zone null,
  workflow_notes text null,
  metadata jsonb null default '{}'::jsonb,
  organisation_id uuid null,
  created_by uuid null,
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now(),
  constraint restaurants_slug_key unique (slug),
  constraint restaurants_subdomain_key unique (subdomain),
  constraint restaurants_organisation_id_fkey foreign key (organisation_id) references public.organisations (id),
  constraint restaurants_created_by_fkey foreign key (created_by) references auth.users (id),
  constraint restaurants_theme_check check (theme = any (array['light'::text, 'dark'::text]))
);
create index if not exists idx_restaurants_org on public.restaurants using btree (organisation_id);
create index if not exists idx_restaurants_onboarding_status on public.restaurants using btree (onboarding_status);
create index if not exists idx_restaurants_subdomain on public.restaurants using btree (subdomain);
create index if not exists idx_restaurants_city on public.restaurants using btree (city);
create index if not exists idx_restaurants_user_email on public.restaurants using btree (user_email);
create index if not exists idx_restaurants_nzbn on public.restaurants using btree (nzbn) where (nzbn is not null);
create index if not exists idx_restaurants_company_number on public.restaurants using btree (company_number) where (company_number is not null);
create or replace trigger update_restaurants_updated_at
  before update on public.restaurants
  for each row execute function public.update_updated_at_column();

create table if not exists public.lead_scrape_jobs (
  id uuid not null default extensions.uuid_generate_v4() primary key,
  name text not null,
  platform text not null,
  country text not null default 'nz'::text,
  city text null,
  cuisine text null,
  status text not null default 'draft'::text,
  leads_extracted integer null default 0,
  organisation_id uuid null references public.organisations (id),
  created_by uuid null references auth.users (id),
  started_at timestamp with time zone null,
  completed_at timestamp with time zone null,
  cancelled_at timestamp with time zone null,
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now(),
  metadata jsonb null default '{}'::jsonb,
  constraint lead_scrape_jobs_status_check check (status = any (array['draft'::text, 'pending'::text, 'in_progress'::text, 'completed'::text, 'cancelled'::text, 'failed'::text]))
);
create index if not exists idx_lead_scrape_jobs_status on public.lead_scrape_jobs using btree (status);
create index if not exists idx_lead_scrape_jobs_org on public.lead_scrape_jobs using btree (organisation_id);
create index if not exists idx_lead_scrape_jobs_created_at on public.lead_scrape_jobs using btree (created_at desc);
create or replace trigger update_lead_scrape_jobs_updated_at
  before update on public.lead_scrape_jobs
  for each row execute function public.update_updated_at_column();

create table if not exists public.leads (
  id uuid not null default extensions.uuid_generate_v4() primary key,
  lead_scrape_job_id uuid not null references public.lead_scrape_jobs (id) on delete cascade,
  current_step integer not null default 1,
  step_progression_status text not null default 'available'::text,
  restaurant_name text not null,
  store_link text null,
  ubereats_address text null,
  ubereats_cuisine text[] null,
  google_address text null,
  phone text null,
  email text null,
  website_url text null,
  instagram_url text null,
  facebook_url text null,
  contact_name text null,
  contact_email text null,
  contact_phone text null,
  city text null,
  region text null,
  country text null default 'nz'::text,
  opening_hours jsonb null,
  opening_hours_text text null,
  is_valid boolean null default true,
  validation_errors jsonb null default '[]'::jsonb,
  converted_to_restaurant_id uuid null references public.restaurants (id),
  converted_at timestamp with time zone null,
  converted_by uuid null references auth.users (id),
  organisation_id uuid not null references public.organisations (id),
  metadata jsonb null default '{}'::jsonb,
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now(),
  constraint leads_step_progression_status_check check (step_progression_status = any (array['available'::text, 'processing'::text, 'processed'::text, 'passed'::text, 'failed'::text]))
);
create index if not exists idx_leads_job_id on public.leads using btree (lead_scrape_job_id);
create index if not exists idx_leads_converted on public.leads using btree (converted_to_restaurant_id);
create index if not exists idx_leads_org_store_link on public.leads using btree (organisation_id, store_link);
create or replace trigger update_leads_updated_at
  before update on public.leads
  for each row execute function public.update_updated_at_column();

create table if not exists public.extraction_jobs (
  id uuid not null default extensions.uuid_generate_v4() primary key,
  job_id character varying(100) not null,
  restaurant_id uuid null references public.restaurants (id) on delete cascade,
  url text not null,
  job_type character varying(50) not null,
  status character varying(50) not null default 'pending'::character varying,
  progress jsonb null default '{}'::jsonb,
  config jsonb null default '{}'::jsonb,
  error text null,
  started_at timestamp with time zone null,
  completed_at timestamp with time zone null,
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now(),
  organisation_id uuid null references public.organisations (id),
  constraint extraction_jobs_job_id_key unique (job_id)
);
create index if not exists idx_extraction_jobs_status on public.extraction_jobs using btree (status);
create index if not exists idx_extraction_jobs_restaurant on public.extraction_jobs using btree (restaurant_id);
create index if not exists idx_extraction_jobs_org on public.extraction_jobs using btree (organisation_id);
create or replace trigger update_extraction_jobs_updated_at
  before update on public.extraction_jobs
  for each row execute function public.update_updated_at_column();

-- Menus -------------------------------------------------------------------------------------------------

create table if not exists public.menus (
  id uuid not null default extensions.uuid_generate_v4() primary key,
  restaurant_id uuid null references public.restaurants (id) on delete cascade,
  extraction_job_id uuid null references public.extraction_jobs (id) on delete set null,
  version integer null default 1,
  is_active boolean null default true,
  is_merged boolean null default false,
  menu_data jsonb null,
  organisation_id uuid null references public.organisations (id),
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now()
);
create index if not exists idx_menus_restaurant on public.menus using btree (restaurant_id);
create index if not exists idx_menus_extraction_job on public.menus using btree (extraction_job_id);
create index if not exists idx_menus_org on public.menus using btree (organisation_id);
create or replace trigger update_menus_updated_at
  before update on public.menus
  for each row execute function public.update_updated_at_column();

create table if not exists public.categories (
  id uuid not null default extensions.uuid_generate_v4() primary key,
  menu_id uuid not null references public.menus (id) on delete cascade,
  name character varying(255) not null,
  description text null,
  position integer null,
  organisation_id uuid null references public.organisations (id),
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now()
);
create index if not exists idx_categories_menu on public.categories using btree (menu_id);
create index if not exists idx_categories_org on public.categories using btree (organisation_id);
create or replace trigger update_categories_updated_at
  before update on public.categories
  for each row execute function public.update_updated_at_column();

create table if not exists public.menu_items (
  id uuid not null default extensions.uuid_generate_v4() primary key,
  category_id uuid not null references public.categories (id) on delete cascade,
  menu_id uuid not null references public.menus (id) on delete cascade,
  name character varying(255) not null,
  description text null,
  price numeric null,
  currency character varying(3) null default 'NZD'::character varying,
  tags text[] null,
  dietary_info jsonb null,
  item_type text null,
  platform_item_id text null,
  is_available boolean null default true,
  has_option_sets boolean null default false,
  option_sets_extracted_at timestamp with time zone null,
  extraction_method character varying(50) null,
  metadata jsonb null default '{}'::jsonb,
  organisation_id uuid null references public.organisations (id),
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now()
);
create index if not exists idx_menu_items_category on public.menu_items using btree (category_id);
create index if not exists idx_menu_items_menu on public.menu_items using btree (menu_id);
create index if not exists idx_menu_items_org on public.menu_items using btree (organisation_id);
create or replace trigger update_menu_items_updated_at
  before update on public.menu_items
  for each row execute function public.update_updated_at_column();

create table if not exists public.item_images (
  id uuid not null default extensions.uuid_generate_v4() primary key,
  menu_item_id uuid not null references public.menu_items (id) on delete cascade,
  url text not null,
  type character varying(50) null default 'primary'::character varying,
  width integer null,
  height integer null,
  file_size integer null,
  is_downloaded boolean null default false,
  local_path text null,
  cdn_uploaded boolean null default false,
  cdn_id uuid null,
  cdn_url text null,
  cdn_filename character varying(255) null,
  cdn_metadata jsonb null,
  upload_status character varying(50) null,
  upload_error text null,
  uploaded_at timestamp with time zone null,
  metadata jsonb null default '{}'::jsonb,
  organisation_id uuid null references public.organisations (id),
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now()
);
create index if not exists idx_item_images_menu_item on public.item_images using btree (menu_item_id);
create index if not exists idx_item_images_org on public.item_images using btree (organisation_id);
create or replace trigger update_item_images_updated_at
  before update on public.item_images
  for each row execute function public.update_updated_at_column();

-- Option sets (after the original's dedupe refactor: sets are per organisation, unique by content hash) ---

create table if not exists public.option_sets (
  id uuid not null default extensions.uuid_generate_v4() primary key,
  name character varying(255) not null,
  type character varying(50) null,
  description text null,
  min_selections integer null default 0,
  max_selections integer null,
  is_required boolean null default false,
  multiple_selections_allowed boolean null default false,
  extraction_source character varying(50) null,
  extracted_at timestamp with time zone null default now(),
  source_data jsonb null,
  option_set_hash character varying(64) not null,
  organisation_id uuid null references public.organisations (id),
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now(),
  constraint option_sets_organisation_id_option_set_hash_key unique (organisation_id, option_set_hash)
);
create index if not exists idx_option_sets_org on public.option_sets using btree (organisation_id);
create or replace trigger update_option_sets_updated_at
  before update on public.option_sets
  for each row execute function public.update_updated_at_column();

create table if not exists public.option_set_items (
  id uuid not null default extensions.uuid_generate_v4() primary key,
  option_set_id uuid not null references public.option_sets (id) on delete cascade,
  name character varying(255) not null,
  description text null,
  price numeric null default 0,
  price_display text null,
  is_default boolean null default false,
  is_available boolean null default true,
  display_order integer null default 0,
  metadata jsonb null default '{}'::jsonb,
  extraction_source character varying(50) null,
  extracted_at timestamp with time zone null,
  organisation_id uuid null references public.organisations (id),
  created_at timestamp with time zone null default now(),
  updated_at timestamp with time zone null default now()
);
create index if not exists idx_option_set_items_option_set on public.option_set_items using btree (option_set_id);
create index if not exists idx_option_set_items_org on public.option_set_items using btree (organisation_id);
create or replace trigger update_option_set_items_updated_at
  before update on public.option_set_items
  for each row execute function public.update_updated_at_column();

create table if not exists public.menu_item_option_sets (
  id uuid not null default extensions.uuid_generate_v4() primary key,
  menu_item_id uuid not null references public.menu_items (id) on delete cascade,
  option_set_id uuid not null references public.option_sets (id) on delete cascade,
  display_order integer null default 0,
  organisation_id uuid null references public.organisations (id),
  created_at timestamp with time zone null default now(),
  constraint menu_item_option_sets_menu_item_id_option_set_id_key unique (menu_item_id, option_set_id)
);
create index if not exists idx_menu_item_option_sets_menu_item on public.menu_item_option_sets using btree (menu_item_id);
create index if not exists idx_menu_item_option_sets_option_set on public.menu_item_option_sets using btree (option_set_id);
create index if not exists idx_menu_item_option_sets_org on public.menu_item_option_sets using btree (organisation_id);

-- The platform (Pumpd / CloudWaitress) side --------------------------------------------------------------

create table if not exists public.pumpd_accounts (
  id uuid not null default gen_random_uuid() primary key,
  organisation_id uuid not null references public.organisations (id) on delete cascade,
  restaurant_id uuid not null references public.restaurants (id) on delete cascade,
  email character varying(255) not null,
  user_password_hint character varying(255) null,
  registration_status character varying(50) null default 'pending'::character varying,
  registration_date timestamp with time zone null,
  registration_method character varying(50) null,
  restaurant_count integer null default 0,
  is_primary_account boolean null default true,
  pumpd_user_id character varying(255) null,
  pumpd_dashboard_url text null,
  last_error text null,
  retry_count integer null default 0,
  created_at timestamp with time zone null default current_timestamp,
  updated_at timestamp with time zone null default current_timestamp,
  constraint pumpd_accounts_organisation_id_email_key unique (organisation_id, email),
  constraint pumpd_accounts_organisation_id_restaurant_id_email_key unique (organisation_id, restaurant_id, email)
);
create index if not exists idx_pumpd_accounts_org_id on public.pumpd_accounts using btree (organisation_id);
create index if not exists idx_pumpd_accounts_restaurant_id on public.pumpd_accounts using btree (restaurant_id);
create index if not exists idx_pumpd_accounts_email on public.pumpd_accounts using btree (email);
create index if not exists idx_pumpd_accounts_status on public.pumpd_accounts using btree (registration_status);
create or replace trigger update_pumpd_accounts_updated_at
  before update on public.pumpd_accounts
  for each row execute function public.update_updated_at_column();

create table if not exists public.pumpd_restaurants (
  id uuid not null default gen_random_uuid() primary key,
  organisation_id uuid not null references public.organisations (id) on delete cascade,
  restaurant_id uuid not null references public.restaurants (id) on delete cascade,
  pumpd_account_id uuid null references public.pumpd_accounts (id) on delete set null,
  pumpd_restaurant_id character varying(255) null,
  pumpd_subdomain character varying(255) null,
  pumpd_full_url text null,
  registration_status character varying(50) null default 'pending'::character varying,
  registration_date timestamp with time zone null,
  registration_type character varying(50) null,
  configured_name character varying(255) null,
  configured_address text null,
  configured_phone character varying(50) null,
  configured_hours jsonb null,
  configured_locale character varying(50) null default 'en-NZ'::character varying,
  configured_timezone character varying(50) null default 'Pacific/Auckland'::character varying,
  configured_currency character varying(10) null default 'NZD'::character varying,
  tax_in_prices boolean null default true,
  dashboard_url text null,
  settings_url text null,
  menu_url text null,
  is_active boolean null default true,
  last_sync_date timestamp with time zone null,
  sync_status character varying(50) null,
  last_error text null,
  error_count integer null default 0,
  setup_completion jsonb null default '{}'::jsonb,
  head_injection text null,
  body_injection text null,
  code_injection_config jsonb null default '{}'::jsonb,
  code_injection_generated_at timestamp with time zone null,
  created_at timestamp with time zone null default current_timestamp,
  updated_at timestamp with time zone null default current_timestamp,
  constraint pumpd_restaurants_organisation_id_restaurant_id_key unique (organisation_id, restaurant_id),
  constraint pumpd_restaurants_pumpd_subdomain_key unique (pumpd_subdomain)
);
create index if not exists idx_pumpd_restaurants_org_id on public.pumpd_restaurants using btree (organisation_id);
create index if not exists idx_pumpd_restaurants_restaurant_id on public.pumpd_restaurants using btree (restaurant_id);
create index if not exists idx_pumpd_restaurants_account_id on public.pumpd_restaurants using btree (pumpd_account_id);
create index if not exists idx_pumpd_restaurants_status on public.pumpd_restaurants using btree (registration_status);
create or replace trigger update_pumpd_restaurants_updated_at
  before update on public.pumpd_restaurants
  for each row execute function public.update_updated_at_column();

-- Append-only log of external actions: no updated_at, hence no trigger (as live).
create table if not exists public.registration_logs (
  id uuid not null default gen_random_uuid() primary key,
  organisation_id uuid not null references public.organisations (id) on delete cascade,
  restaurant_id uuid null references public.restaurants (id) on delete cascade,
  pumpd_account_id uuid null references public.pumpd_accounts (id) on delete cascade,
  pumpd_restaurant_id uuid null references public.pumpd_restaurants (id) on delete cascade,
  action character varying(100) not null,
  status character varying(50) not null,
  request_data jsonb null,
  response_data jsonb null,
  error_message text null,
  script_name character varying(255) null,
  execution_time_ms integer null,
  screenshot_paths text[] null,
  initiated_by character varying(255) null,
  created_at timestamp with time zone null default current_timestamp
);
create index if not exists idx_registration_logs_org_id on public.registration_logs using btree (organisation_id);
create index if not exists idx_registration_logs_restaurant_id on public.registration_logs using btree (restaurant_id);
create index if not exists idx_registration_logs_action on public.registration_logs using btree (action);
create index if not exists idx_registration_logs_created_at on public.registration_logs using btree (created_at desc);

-- RLS: the live pattern (reference §3.5): one permissive FOR ALL policy through has_org_access, plus a
-- super-admin bypass. Each policy is dropped first (live names and ours) so the file re-runs on the live DB.

alter table public.organisations enable row level security;
drop policy if exists "super_admin_bypass" on public.organisations;
drop policy if exists "organisations_org_access" on public.organisations;
drop policy if exists "organisations_super_admin_bypass" on public.organisations;
create policy "organisations_org_access" on public.organisations
  for select to authenticated using (public.has_org_access(id));
create policy "organisations_super_admin_bypass" on public.organisations
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

-- A user reads their own profile and their organisation's; only a super admin changes profiles (roles live there).
alter table public.profiles enable row level security;
drop policy if exists "profiles_org_access" on public.profiles;
drop policy if exists "profiles_super_admin_bypass" on public.profiles;
create policy "profiles_org_access" on public.profiles
  for select to authenticated using (id = (select auth.uid()) or public.has_org_access(organisation_id));
create policy "profiles_super_admin_bypass" on public.profiles
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.restaurants enable row level security;
drop policy if exists "restaurant_access_policy" on public.restaurants;
drop policy if exists "restaurants_org_access" on public.restaurants;
drop policy if exists "restaurants_super_admin_bypass" on public.restaurants;
create policy "restaurants_org_access" on public.restaurants
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "restaurants_super_admin_bypass" on public.restaurants
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.lead_scrape_jobs enable row level security;
drop policy if exists "lead_scrape_jobs_org_access" on public.lead_scrape_jobs;
drop policy if exists "lead_scrape_jobs_super_admin_bypass" on public.lead_scrape_jobs;
create policy "lead_scrape_jobs_org_access" on public.lead_scrape_jobs
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "lead_scrape_jobs_super_admin_bypass" on public.lead_scrape_jobs
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.leads enable row level security;
drop policy if exists "leads_org_access" on public.leads;
drop policy if exists "leads_super_admin_bypass" on public.leads;
drop policy if exists "leads_org_access" on public.leads;
drop policy if exists "leads_super_admin_bypass" on public.leads;
create policy "leads_org_access" on public.leads
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "leads_super_admin_bypass" on public.leads
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.extraction_jobs enable row level security;
drop policy if exists "extraction_jobs_org_access" on public.extraction_jobs;
drop policy if exists "extraction_jobs_super_admin_bypass" on public.extraction_jobs;
create policy "extraction_jobs_org_access" on public.extraction_jobs
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "extraction_jobs_super_admin_bypass" on public.extraction_jobs
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.menus enable row level security;
drop policy if exists "menus_org_access" on public.menus;
drop policy if exists "menus_super_admin_bypass" on public.menus;
create policy "menus_org_access" on public.menus
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "menus_super_admin_bypass" on public.menus
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.categories enable row level security;
drop policy if exists "categories_org_access" on public.categories;
drop policy if exists "categories_super_admin_bypass" on public.categories;
create policy "categories_org_access" on public.categories
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "categories_super_admin_bypass" on public.categories
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.menu_items enable row level security;
drop policy if exists "menu_items_org_access" on public.menu_items;
drop policy if exists "menu_items_super_admin_bypass" on public.menu_items;
create policy "menu_items_org_access" on public.menu_items
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "menu_items_super_admin_bypass" on public.menu_items
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.item_images enable row level security;
drop policy if exists "item_images_org_access" on public.item_images;
drop policy if exists "item_images_super_admin_bypass" on public.item_images;
create policy "item_images_org_access" on public.item_images
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "item_images_super_admin_bypass" on public.item_images
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.option_sets enable row level security;
drop policy if exists "option_sets_access_policy" on public.option_sets;
drop policy if exists "option_sets_org_access" on public.option_sets;
drop policy if exists "option_sets_super_admin_bypass" on public.option_sets;
create policy "option_sets_org_access" on public.option_sets
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "option_sets_super_admin_bypass" on public.option_sets
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.option_set_items enable row level security;
drop policy if exists "option_set_items_access_policy" on public.option_set_items;
drop policy if exists "option_set_items_org_access" on public.option_set_items;
drop policy if exists "option_set_items_super_admin_bypass" on public.option_set_items;
create policy "option_set_items_org_access" on public.option_set_items
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "option_set_items_super_admin_bypass" on public.option_set_items
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.menu_item_option_sets enable row level security;
drop policy if exists "menu_item_option_sets_org_access" on public.menu_item_option_sets;
drop policy if exists "menu_item_option_sets_super_admin_bypass" on public.menu_item_option_sets;
create policy "menu_item_option_sets_org_access" on public.menu_item_option_sets
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "menu_item_option_sets_super_admin_bypass" on public.menu_item_option_sets
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.pumpd_accounts enable row level security;
drop policy if exists "pumpd_accounts_org_access" on public.pumpd_accounts;
drop policy if exists "pumpd_accounts_super_admin_bypass" on public.pumpd_accounts;
create policy "pumpd_accounts_org_access" on public.pumpd_accounts
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "pumpd_accounts_super_admin_bypass" on public.pumpd_accounts
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.pumpd_restaurants enable row level security;
drop policy if exists "pumpd_restaurants_org_access" on public.pumpd_restaurants;
drop policy if exists "pumpd_restaurants_super_admin_bypass" on public.pumpd_restaurants;
create policy "pumpd_restaurants_org_access" on public.pumpd_restaurants
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "pumpd_restaurants_super_admin_bypass" on public.pumpd_restaurants
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));

alter table public.registration_logs enable row level security;
drop policy if exists "registration_logs_org_access" on public.registration_logs;
drop policy if exists "registration_logs_super_admin_bypass" on public.registration_logs;
create policy "registration_logs_org_access" on public.registration_logs
  for all to authenticated using (public.has_org_access(organisation_id)) with check (public.has_org_access(organisation_id));
create policy "registration_logs_super_admin_bypass" on public.registration_logs
  for all to authenticated using ((select public.is_super_admin())) with check ((select public.is_super_admin()));
