// Sub-step 4: menu images to the CDN by from_url (the CDN fetches, we never download). Each image is
// tagged with its item_images id (metadata sourceId) and looked up by it first, so an upload that
// finished after we gave up is found, not repeated. Verified by listing every image back.
import { FlowError } from './errors';
import { httpFlow, type HttpTools } from './runtime';

export interface UploadImageItem {
  /** item_images.id: the idempotency key stored as CDN metadata. */
  id: string;
  url: string;
  /** `<category-slug>-<item-slug>.jpg`, ≤ 100 characters. */
  filename: string;
  metadata?: Record<string, string>;
}

export interface UploadImagesInput {
  images: UploadImageItem[];
  /** Per-image timeout (ms); default settings.httpTimeoutMs. */
  timeoutMs?: number;
  concurrency?: number;
}

export interface UploadedImage {
  id: string;
  cdnId: string;
  cdnUrl: string;
  cdnFilename: string;
  reused: boolean;
}

export interface UploadImagesOutput {
  uploaded: UploadedImage[];
}

interface CdnListing {
  results: { uuid: string; original_filename: string; original_file_url: string; metadata: Record<string, string> }[];
}

async function find(t: HttpTools, auth: string, id: string): Promise<CdnListing['results'][number] | null> {
  const base = t.ctx.settings.cdnUrl.replace(/\/$/, '');
  const res = await t.json<CdnListing>(`${base}/files/?${new URLSearchParams({ 'metadata[sourceId]': id })}`, {
    what: `cdn lookup ${id}`,
    headers: { authorization: auth },
  });
  return res.body.results[0] ?? null;
}

export const uploadImages = httpFlow<UploadImagesInput, UploadImagesOutput>('uploadImages', async (t, input) => {
  const s = t.ctx.settings;
  const auth = `Uploadcare.Simple ${s.cdnPublicKey}:${await t.secret(s.cdnSecretRef)}`;
  const base = s.cdnUrl.replace(/\/$/, '');
  for (const img of input.images) {
    if (!img.id || !/^https?:\/\//.test(img.url)) throw new FlowError('missing_input', `image ${img.id || '(no id)'}: url "${img.url}" is not a URL`);
  }
  const queue = [...input.images];
  const out = new Map<string, UploadedImage>();
  const worker = async () => {
    for (let img = queue.shift(); img; img = queue.shift()) {
      const existing = await find(t, auth, img.id);
      if (existing) {
        out.set(img.id, { id: img.id, cdnId: existing.uuid, cdnUrl: existing.original_file_url, cdnFilename: existing.original_filename, reused: true });
        continue;
      }
      const res = await t.json<{ uuid: string; filename: string; cdn_url: string }>(`${base}/base/from_url/`, {
        what: `cdn upload ${img.id}`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          pub_key: s.cdnPublicKey,
          source_url: img.url,
          store: '1',
          filename: img.filename.slice(0, 100),
          metadata: { ...img.metadata, sourceId: img.id },
        }),
        ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
      });
      out.set(img.id, { id: img.id, cdnId: res.body.uuid, cdnUrl: res.body.cdn_url, cdnFilename: res.body.filename, reused: false });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency ?? 4, input.images.length)) }, worker));
  // Verify: every image is on the CDN under its id.
  for (const img of input.images) {
    const found = await find(t, auth, img.id);
    if (!found || found.uuid !== out.get(img.id)?.cdnId) throw new FlowError('verification_failed', `image ${img.id} is not on the CDN after upload`);
  }
  const uploaded = input.images.map((i) => out.get(i.id)).filter((x): x is UploadedImage => x !== undefined);
  t.log.info({ images: uploaded.length, reused: uploaded.filter((u) => u.reused).length }, 'images on the CDN');
  return { uploaded };
});
