// Artifacts (screenshots, traces) are served by an authenticated route: the browser cannot send the bearer token
// from <img src> or a plain link, so they are fetched with it and shown or saved from a blob.
import { useEffect, useState } from 'react';
import { useAuth } from './auth';

async function fetchArtifact(url: string, token: string | null): Promise<Blob> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `HTTP ${res.status}`);
  }
  return res.blob();
}

export function useArtifactImage(url: string | null): { src: string | null; error: string | null } {
  const { getToken } = useAuth();
  const [state, setState] = useState<{ src: string | null; error: string | null }>({
    src: null,
    error: null,
  });
  useEffect(() => {
    if (!url) return;
    let objectUrl: string | null = null;
    let live = true;
    fetchArtifact(url, getToken())
      .then((blob) => {
        objectUrl = URL.createObjectURL(blob);
        if (live) setState({ src: objectUrl, error: null });
      })
      .catch(
        (e: unknown) => live && setState({ src: null, error: e instanceof Error ? e.message : String(e) }),
      );
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url, getToken]);
  return state;
}

export function useArtifactDownload(): (url: string, name: string) => Promise<void> {
  const { getToken } = useAuth();
  return async (url, name) => {
    const blob = await fetchArtifact(url, getToken());
    const href = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = href;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  };
}
