import { DomainError, ErrorCode } from '../common/domain-error';

export class ReportNotFoundError extends DomainError {
  constructor() {
    super(ErrorCode.NotFound, 'Отчёт не найден');
  }
}

export class ReportNotReadyError extends DomainError {
  constructor(status: string) {
    super(ErrorCode.Conflict, `Отчёт ещё не готов (состояние: ${status})`);
  }
}

/** A move the report lifecycle (REPORT_MACHINE) does not allow: a bug or a concurrent job, never user input. */
export class ReportTransitionError extends Error {}
