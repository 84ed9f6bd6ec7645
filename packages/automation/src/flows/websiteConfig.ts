// Sub-step 6: Settings > Website (theme, colours, fonts, logo/header/favicon uploads, item layout, SEO,
// social links, custom head/body code). Every section is "set to", so a re-run changes nothing; an upload
// is skipped when the portal already shows our content-named file. Verified by reading the values back.
import { createHash } from 'node:crypto';
import { FlowError } from './errors';
import type { AccountLogin, ImageInput } from './context';
import { apiAction, loginAdmin, openRestaurant, saveSection } from './pages/portal';
import { browserFlow, type FlowTools } from './runtime';

export interface WebsiteConfigInput {
  account: AccountLogin;
  platformRestaurantId: string;
  theme: 'light' | 'dark';
  primaryColour: string;
  secondaryColour?: string | null;
  navTextColour?: string | null;
  cardTextColour?: string | null;
  headerEnabled: boolean;
  itemLayout: 'list' | 'card';
  logo?: ImageInput | null;
  headerBackground?: ImageInput | null;
  headerLogo?: ImageInput | null;
  favicon?: ImageInput | null;
  headingFont?: string;
  bodyFont?: string;
  seoTitle: string;
  seoDescription: string;
  facebookUrl?: string | null;
  instagramUrl?: string | null;
  headCode?: string | null;
  bodyCode?: string | null;
}

export interface WebsiteConfigOutput {
  theme: 'light' | 'dark';
  colours: Record<string, string>;
  logoUrl: string | null;
  headerBackgroundUrl: string | null;
  headerLogoUrl: string | null;
  faviconUrl: string | null;
  uploads: number;
}

const HEX = /^#[0-9a-fA-F]{6}$/;

/** The location the original put in SEO text: the second-last comma part of the address. */
export function locationOf(address: string | null | undefined): string {
  const parts = (address ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return (parts.length >= 2 ? parts[parts.length - 2] : parts[0]) ?? '';
}

/** The original's SEO texts: "<name> <location> - Order Online…" and "<address> <phone> - Best <cuisine> in <location>". */
export function defaultSeo(r: { name: string; address?: string | null; phone?: string | null; cuisines?: readonly string[] | null }): { title: string; description: string } {
  const location = locationOf(r.address);
  const cuisine = (r.cuisines ?? []).join(', ') || 'food';
  return {
    title: `${r.name}${location ? ` ${location}` : ''} - Order Online for Delivery or Pickup`,
    description: `${[r.address, r.phone].filter(Boolean).join(' ')} - Best ${cuisine}${location ? ` in ${location}` : ''}`.trim(),
  };
}

/** Content-named upload file: the same bytes always get the same name, which is how a re-run recognises them. */
export function uploadName(kind: string, img: ImageInput): string {
  const ext = (img.fileName.split('.').pop() ?? 'png').toLowerCase().replace(/[^a-z0-9]/g, '') || 'png';
  return `${kind}-${createHash('sha256').update(img.data).digest('hex').slice(0, 16)}.${ext}`;
}

async function upload(t: FlowTools, input: WebsiteConfigInput, kind: string, label: string, img: ImageInput): Promise<boolean> {
  const page = t.page;
  const name = uploadName(kind, img);
  const widget = page.getByText(`Current ${label}:`, { exact: false });
  if ((await widget.innerText()).includes(name)) return false;
  await page.getByRole('button', { name: `Upload ${label}`, exact: true }).click();
  const dialog = page.getByRole('dialog', { name: `Upload ${label}` });
  await dialog.getByLabel('Choose a local file').setInputFiles({ name, mimeType: img.mimeType, buffer: Buffer.from(img.data) });
  await apiAction(t, () => dialog.getByRole('button', { name: 'Done' }).click(), `/restaurant/${input.platformRestaurantId}/uploads`, dialog, `upload ${label}`);
  await dialog.waitFor({ state: 'hidden' });
  if (!(await widget.innerText()).includes(name)) throw new FlowError('verification_failed', `${label} upload did not take`);
  return true;
}

async function fill(t: FlowTools, form: string, label: string, value: string): Promise<void> {
  await t.page.getByRole('form', { name: form, exact: true }).getByLabel(label, { exact: true }).fill(value);
}

export const websiteConfig = browserFlow<WebsiteConfigInput, WebsiteConfigOutput>('websiteConfig', async (t, input) => {
  for (const [k, v] of Object.entries({ primaryColour: input.primaryColour, secondaryColour: input.secondaryColour, navTextColour: input.navTextColour, cardTextColour: input.cardTextColour })) {
    if (v && !HEX.test(v)) throw new FlowError('missing_input', `${k} "${v}" is not a #rrggbb colour`);
  }
  await loginAdmin(t, input.account);
  await openRestaurant(t, input.platformRestaurantId, '/settings/website');
  const page = t.page;
  let uploads = 0;

  await page.getByRole('form', { name: 'Themes' }).getByLabel(input.theme === 'dark' ? 'Dark Theme' : 'Light Theme').check();
  await saveSection(t, 'Themes');

  const dark = input.theme === 'dark';
  const colours: Record<string, string> = { Primary: input.primaryColour.toLowerCase() };
  if (input.secondaryColour) colours['Secondary'] = input.secondaryColour.toLowerCase();
  if (!dark) {
    // The light script's six swatches.
    colours['Primary Text'] = '#ffffff';
    colours['Background'] = '#ffffff';
    colours['Text'] = '#323232';
    colours['Box & Popup Background'] = '#ffffff';
    colours['Box & Popup Text'] = (input.cardTextColour ?? '#323232').toLowerCase();
  } else if (input.cardTextColour) colours['Box & Popup Text'] = input.cardTextColour.toLowerCase();
  for (const [label, v] of Object.entries(colours)) await fill(t, 'Colors', label, v);
  await saveSection(t, 'Colors');

  const fonts = page.getByRole('form', { name: 'Fonts' });
  await fonts.getByLabel('Heading Font').selectOption(input.headingFont ?? 'Gabarito');
  await fonts.getByLabel('Normal Font').selectOption(input.bodyFont ?? 'Gabarito');
  await saveSection(t, 'Fonts');

  if (input.logo && (await upload(t, input, 'logo', 'Logo', input.logo))) uploads++;
  await fill(t, 'Top Nav Bar', 'Nav Text Colour', (input.navTextColour ?? '').toLowerCase());
  await saveSection(t, 'Top Nav Bar');

  await page.getByRole('form', { name: 'Header' }).getByLabel('Enable Header').setChecked(input.headerEnabled);
  if (input.headerEnabled && input.headerBackground && (await upload(t, input, 'headerBackground', 'Header Background', input.headerBackground))) uploads++;
  if (input.headerEnabled && input.headerLogo && (await upload(t, input, 'headerLogo', 'Header Logo', input.headerLogo))) uploads++;
  await saveSection(t, 'Header');

  const items = page.getByRole('form', { name: 'Items' });
  await items.getByLabel(input.itemLayout === 'card' ? 'Card' : 'List', { exact: true }).check();
  if (input.itemLayout === 'card') await items.getByLabel('Tag Position').selectOption('Inner Bottom');
  await saveSection(t, 'Items');

  const favicon = input.favicon ?? input.logo;
  if (favicon) {
    if (await upload(t, input, 'favicon', 'Favicon', favicon)) uploads++;
    await saveSection(t, 'Favicon');
  }

  await fill(t, 'SEO', 'Page Title', input.seoTitle);
  await fill(t, 'SEO', 'Meta Description', input.seoDescription);
  await saveSection(t, 'SEO');

  const https = (u: string | null | undefined) => (!u ? '' : /^https?:\/\//.test(u) ? u : `https://${u}`);
  await fill(t, 'Social Links', 'Facebook URL', https(input.facebookUrl));
  await fill(t, 'Social Links', 'Instagram URL', https(input.instagramUrl));
  await saveSection(t, 'Social Links');

  if (input.headCode || input.bodyCode) {
    await fill(t, 'Custom Code', 'Head Code', input.headCode ?? '');
    await fill(t, 'Custom Code', 'Body Code', input.bodyCode ?? '');
    await saveSection(t, 'Custom Code');
  }

  // Read back what the portal now holds.
  await openRestaurant(t, input.platformRestaurantId, '/settings/website');
  for (const [label, v] of Object.entries(colours)) {
    const got = await page.getByRole('form', { name: 'Colors' }).getByLabel(label, { exact: true }).inputValue();
    if (got.toLowerCase() !== v) throw new FlowError('verification_failed', `colour ${label} reads back "${got}", expected "${v}"`);
  }
  if (!(await page.getByRole('form', { name: 'Themes' }).getByLabel(dark ? 'Dark Theme' : 'Light Theme').isChecked())) {
    throw new FlowError('verification_failed', 'theme did not stick');
  }
  if (input.headCode && (await page.getByRole('form', { name: 'Custom Code' }).getByLabel('Head Code').inputValue()) !== input.headCode) {
    throw new FlowError('verification_failed', 'head code reads back different');
  }
  const hidden = async (name: string) => (await page.locator(`input[type=hidden][name=${name}]`).inputValue()) || null;
  return {
    theme: input.theme,
    colours,
    logoUrl: await hidden('logo'),
    headerBackgroundUrl: await hidden('headerBackground'),
    headerLogoUrl: await hidden('headerLogo'),
    faviconUrl: await hidden('favicon'),
    uploads,
  };
});
