/**
 * Uploads with progress: `fetch` cannot report upload progress, XMLHttpRequest can. The fields
 * go before the files, as the API requires (it streams each file as it arrives).
 */
import { ApiError, csrfToken, urlOf } from './client.js';
import type { PackageDocument, Question } from './types.js';

interface Progress {
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** POSTs `fields` then `files` (each a `file` part) as multipart/form-data; the 201 answer is the result. */
async function postMultipart<T>(
  url: string,
  fields: Record<string, string | undefined>,
  files: readonly File[],
  { onProgress, signal }: Progress,
): Promise<T> {
  const token = await csrfToken();
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value) form.set(name, value);
  for (const file of files) form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('x-csrf-token', token);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      if (xhr.status === 201) resolve(xhr.response as T);
      else reject(new ApiError(xhr.status, (xhr.response as object | null) ?? {}));
    };
    xhr.onerror = () =>
      reject(new ApiError(0, { detail: 'the upload failed: the server could not be reached' }));
    xhr.onabort = () => reject(new ApiError(0, { detail: 'the upload was cancelled' }));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}

export interface UploadRequest extends Progress {
  packageId: string;
  file: File;
  category: PackageDocument['category'];
  rateId?: string | undefined;
}

export const uploadDocument = ({ packageId, file, category, rateId, ...progress }: UploadRequest) =>
  postMultipart<PackageDocument>(
    urlOf('/api/packages/{id}/documents', { id: packageId }),
    { category, rateId },
    [file],
    progress,
  );

/** A question or a response: optional text and at least one document, sent in one request. */
interface QaRequest extends Progress {
  packageId: string;
  text: string;
  files: readonly File[];
}

export interface AskRequest extends QaRequest {
  /** When the question is about one rate certification of the last submitted revision. */
  rateId?: string | undefined;
}

/** CMS asks the state (a CMS user with a division); the answer is the new question. */
export const askQuestion = ({ packageId, text, rateId, files, ...progress }: AskRequest) =>
  postMultipart<Question>(
    urlOf('/api/packages/{id}/questions', { id: packageId }),
    { text, rateId },
    files,
    progress,
  );

export interface RespondRequest extends QaRequest {
  questionId: string;
}

/** The state responds to the open question; the answer is the question with its response. */
export const respondToQuestion = ({ packageId, questionId, text, files, ...progress }: RespondRequest) =>
  postMultipart<Question>(
    urlOf('/api/packages/{id}/questions/{questionId}/response', { id: packageId, questionId }),
    { text },
    files,
    progress,
  );
