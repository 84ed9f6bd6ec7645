-- Where a restaurant's menu comes from (DESIGN §5), set by the leads import and read by step 1:
--   {"type": "csv", "menu_csv": "<storage path>", "option_sets_csv": "<storage path>" | null}
--   {"type": "store_page", "url": "https://..."}
-- The engineers of the import and extraction own the exact shape; it is one jsonb column here.

alter table public.restaurants add column if not exists menu_source jsonb null;
