/**
 * CMS's questions and the state's responses (issue 12), each with documents. A request is
 * checked against the package before any byte is stored; its files are then taken in one after
 * another exactly like package documents (file-intake.ts); then one store change records them.
 * Whatever refuses the request on the way — a file, the request body, the plan on the package as
 * it is by then (say another CMS user asked meanwhile) — every file it stored is deleted again.
 * Once recorded: a write-once record beside the package's files and the emails, neither of
 * which can fail the action.
 */
import { randomUUID } from 'node:crypto';
import {
  assertMayAsk,
  assertMayRespond,
  invalidFields,
  type KeptChange,
  lastSubmittedRevision,
  MAX_QA_DOCUMENTS,
  type Package,
  planAskQuestion,
  planRespond,
  type QaDocument,
  type Question,
  rateCertificationName,
  type User,
} from '../domain/index.js';
import { type Clock, isoNow, systemClock } from '../lib/clock.js';
import { type Notifier, packageEvent, type QuestionEventType } from '../notify/index.js';
import type { Store } from '../store/store.js';
import { type FileIntake, type IncomingFile, takeInFile } from './file-intake.js';
import { packageHeading, questionKey, responseKey, writeOnce } from './package-record.js';
import { projectWithRates } from './package-views.js';
import type { ReferenceData } from './reference-data.js';
import { stateAnalysts } from './user-admin-service.js';

export interface QaUpload {
  text?: string | undefined;
  /** The documents, read one after another: each is stored before the next is asked for. */
  files: AsyncIterable<IncomingFile>;
}

export interface AskInput extends QaUpload {
  /** When the question is about one rate certification of the package. */
  rateId?: string | undefined;
}

export interface QuestionServiceOptions extends FileIntake {
  store: Store;
  reference: ReferenceData;
  notifier?: Notifier | undefined;
  /** The server's clock (tests inject one). */
  clock?: Clock;
}

export class QuestionService {
  private readonly clock: Clock;

  constructor(private readonly options: QuestionServiceOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** A CMS user with a division asks; the question as recorded. */
  async ask(user: User, packageId: string, input: AskInput): Promise<Question> {
    const pkg = await this.options.store.getPackage(packageId);
    assertMayAsk(pkg, user, input.rateId);
    const id = randomUUID();
    const after = await this.record(pkg, input.files, (latest, documents) =>
      planAskQuestion(latest, {
        user,
        at: isoNow(this.clock),
        id,
        text: input.text,
        rateId: input.rateId,
        documents,
      }),
    );
    const position = after.questions.length - after.questions.findIndex((q) => q.id === id);
    return this.announce('QUESTION_ASKED', after, id, questionKey(after.id, position));
  }

  /** A user of the package's own state responds; the question with its response. */
  async respond(user: User, packageId: string, questionId: string, input: QaUpload): Promise<Question> {
    const pkg = await this.options.store.getPackage(packageId);
    assertMayRespond(pkg, user, questionId);
    const after = await this.record(pkg, input.files, (latest, documents) =>
      planRespond(latest, {
        user,
        at: isoNow(this.clock),
        id: randomUUID(),
        questionId,
        text: input.text,
        documents,
      }),
    );
    const position = after.questions.length - after.questions.findIndex((q) => q.id === questionId);
    return this.announce('QUESTION_RESPONDED', after, questionId, responseKey(after.id, position));
  }

  /** Stores the files, then runs the plan on the package as it is; on any failure, deletes the files. */
  private async record(
    pkg: Package,
    files: AsyncIterable<IncomingFile>,
    plan: (latest: Package, documents: QaDocument[]) => KeptChange,
  ): Promise<Package> {
    const documents: QaDocument[] = [];
    try {
      await this.takeIn(pkg.id, files, documents);
      const { after } = await this.options.store.changePackage(pkg.id, (latest) => plan(latest, documents));
      return after;
    } catch (e) {
      await this.deleteFiles(documents);
      throw e;
    }
  }

  /** Takes in each file in turn, adding it to `documents` as soon as it is stored. */
  private async takeIn(packageId: string, files: AsyncIterable<IncomingFile>, documents: QaDocument[]) {
    for await (const file of files) {
      const field = `file.${documents.length}`;
      // The request reader refuses more files already; a service caller is held to it too.
      if (documents.length === MAX_QA_DOCUMENTS)
        throw invalidFields('too many documents', [
          { path: field, message: `attach at most ${MAX_QA_DOCUMENTS}` },
        ]);
      const taken = await takeInFile(
        this.options,
        { folder: `packages/${packageId}/questions`, field, packageId },
        file,
      );
      documents.push({ id: randomUUID(), ...taken, addedAt: isoNow(this.clock) });
    }
  }

  private async deleteFiles(documents: readonly QaDocument[]) {
    for (const d of documents) {
      await this.options.files.delete(d.key).catch((err: unknown) => {
        this.options.log?.error(
          { err, key: d.key },
          'could not delete the file of a refused question or response',
        );
      });
    }
  }

  /** The name of the rate certification a question is about, as the last submission holds it. */
  private async rateName(pkg: Package, rateId: string | undefined): Promise<string | undefined> {
    const rate = lastSubmittedRevision(pkg)?.formData.rateCertifications.find((r) => r.id === rateId);
    if (!rate) return undefined;
    const programs = await this.options.reference.programsByIds(rate.rateProgramIds);
    return rateCertificationName(pkg.stateCode, programs, rate);
  }

  /**
   * After the question or response is recorded: its write-once record beside the package's
   * files, then the emails. Neither may fail the action, which is committed.
   */
  private async announce(type: QuestionEventType, pkg: Package, questionId: string, key: string) {
    const question = pkg.questions.find((q) => q.id === questionId)!;
    try {
      // The emails and the rate's name read the package as shown: its rates in the form.
      const shown = (await projectWithRates(this.options.store, pkg)) as Package;
      const { programs, name, head } = await packageHeading(this.options.reference, shown);
      await writeOnce(this.options, key, {
        format: type === 'QUESTION_ASKED' ? 'carepack-question' : 'carepack-question-response',
        version: 1,
        name,
        package: head,
        question,
      });
      const event = packageEvent(type, shown, programs, questionId);
      const rateName = await this.rateName(shown, question.rateId);
      const { notifier } = this.options;
      if (!notifier) return question;
      const analysts = await stateAnalysts(this.options.store, shown.stateCode, this.options.log);
      notifier.notify({ ...event, analysts, ...(rateName ? { rateName } : {}) });
    } catch (e) {
      this.options.log?.error({ err: e, packageId: pkg.id, type }, 'after-action effects failed');
    }
    return question;
  }
}
