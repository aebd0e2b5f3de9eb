/** Typed errors of the file layer, so the API can map each to its own problem response. */

export class FileTooLarge extends Error {
  override readonly name = 'FileTooLarge';
  constructor(readonly maxBytes: number) {
    super(`the file is larger than the limit of ${maxBytes} bytes`);
  }
}

export class FileNotFound extends Error {
  override readonly name = 'FileNotFound';
  constructor(readonly key: string) {
    super(`no stored file under key "${key}"`);
  }
}

/** A write-once object (a submission snapshot) already exists under this key. */
export class FileAlreadyExists extends Error {
  override readonly name = 'FileAlreadyExists';
  constructor(readonly key: string) {
    super(`a file is already stored under key "${key}"`);
  }
}
