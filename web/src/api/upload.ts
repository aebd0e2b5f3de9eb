/**
 * Document upload with progress: `fetch` cannot report upload progress, XMLHttpRequest can.
 * The fields go before the file, as the API requires.
 */
import { ApiError, csrfToken, urlOf } from './client.js';
import type { PackageDocument } from './types.js';

export interface UploadRequest {
  packageId: string;
  file: File;
  category: PackageDocument['category'];
  rateId?: string | undefined;
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

export async function uploadDocument(request: UploadRequest): Promise<PackageDocument> {
  const token = await csrfToken();
  const form = new FormData();
  form.set('category', request.category);
  if (request.rateId) form.set('rateId', request.rateId);
  form.set('file', request.file, request.file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', urlOf('/api/packages/{id}/documents', { id: request.packageId }));
    xhr.setRequestHeader('x-csrf-token', token);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) request.onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) resolve(xhr.response as PackageDocument);
      else reject(new ApiError(xhr.status, (xhr.response as object | null) ?? {}));
    };
    xhr.onerror = () =>
      reject(new ApiError(0, { detail: 'the upload failed: the server could not be reached' }));
    xhr.onabort = () => reject(new ApiError(0, { detail: 'the upload was cancelled' }));
    request.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}
