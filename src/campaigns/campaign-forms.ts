import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError as ClassValidationError } from 'class-validator';
import { fromWallClock } from '../common/display-time-zone';
import { ValidationError } from '../common/domain-error';
import { CreateCampaignDto, CriterionDto, UpdateCampaignDto } from './dto/campaign.dto';
import { UpdateDocumentDto } from './dto/document.dto';
import { CreateQuestionDto, UpdateQuestionDto } from './dto/question.dto';
import { QuestionKind } from './entities/question.entity';

/** Form fields of the organizer pages → the API's DTOs, validated by the same rules. */
type Form = Record<string, unknown>;

const str = (v: unknown): string =>
  (Array.isArray(v) ? String(v[v.length - 1] ?? '') : v === undefined || v === null ? '' : String(v)).trim();

const FIELD_LABELS: Record<string, string> = {
  title: 'Укажите название',
  slug: 'Только латинские буквы, цифры и дефисы',
  reportRecipients: 'Укажите адреса электронной почты через запятую',
  text: 'Укажите текст вопроса',
  kind: 'Выберите вид вопроса',
};

function flatten(errors: ClassValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? Object.values(e.constraints).map((c) => `${path}: ${c}`) : [];
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

export function validateDto<T extends object>(cls: new () => T, plain: object): T {
  const dto = plainToInstance(cls, plain);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) {
    const fieldErrors: Record<string, string> = {};
    for (const e of errors) fieldErrors[e.property] = FIELD_LABELS[e.property] ?? 'Неверное значение';
    throw new ValidationError(flatten(errors), fieldErrors);
  }
  return dto;
}

/** <input type="datetime-local"> values are the region's local time (DISPLAY_TIME_ZONE). */
export function fromLocalInput(value: unknown, field: string): string | null {
  const v = str(value);
  if (!v) return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(v)) {
    throw new ValidationError(`${field}: неверная дата`, { [field]: 'Неверная дата и время' });
  }
  const d = fromWallClock(v);
  if (!d) throw new ValidationError(`${field}: неверная дата`, { [field]: 'Неверная дата и время' });
  return d.toISOString();
}

function schedule(form: Form) {
  return {
    discussion: {
      opensAt: fromLocalInput(form.discussionOpensAt, 'discussionOpensAt'),
      closesAt: fromLocalInput(form.discussionClosesAt, 'discussionClosesAt'),
    },
    expertise: {
      opensAt: fromLocalInput(form.expertiseOpensAt, 'expertiseOpensAt'),
      closesAt: fromLocalInput(form.expertiseClosesAt, 'expertiseClosesAt'),
    },
  };
}

export function createCampaignForm(form: Form = {}): CreateCampaignDto {
  return validateDto(CreateCampaignDto, { title: str(form.title), description: str(form.description), ...schedule(form) });
}

export function updateCampaignForm(form: Form = {}, slugEditable: boolean): UpdateCampaignDto {
  const recipients = str(form.reportRecipients)
    .split(/[\s,;]+/)
    .filter(Boolean);
  return validateDto(UpdateCampaignDto, {
    title: str(form.title),
    description: str(form.description),
    ...(slugEditable ? { slug: str(form.slug) } : {}),
    ...schedule(form),
    reportRecipients: recipients,
    resultsPublished: str(form.resultsPublished) === 'on' || str(form.resultsPublished) === 'true',
  });
}

const lines = (v: unknown): string[] =>
  str(v)
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/** The parts of a question that depend on its kind: options, scale, length limit. */
function kindParts(form: Form, kind: QuestionKind): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  if (kind === QuestionKind.Single || kind === QuestionKind.Multi) {
    const options = lines(form.options).map((text) => ({ text, exclusive: false }));
    if (kind === QuestionKind.Multi && str(form.exclusiveOption)) options.push({ text: str(form.exclusiveOption), exclusive: true });
    plain.options = options;
  }
  if (kind === QuestionKind.Scale) {
    plain.scale = {
      min: Number(str(form.scaleMin) || '1'),
      max: Number(str(form.scaleMax) || '5'),
      ...(str(form.scaleMinLabel) ? { minLabel: str(form.scaleMinLabel) } : {}),
      ...(str(form.scaleMaxLabel) ? { maxLabel: str(form.scaleMaxLabel) } : {}),
    };
  }
  if (kind === QuestionKind.Text && str(form.maxLength)) plain.maxLength = Number(str(form.maxLength));
  return plain;
}

export function questionForm(form: Form = {}): CreateQuestionDto {
  const kind = str(form.kind) as QuestionKind;
  const plain: Record<string, unknown> = { kind, text: str(form.text), required: str(form.required) === 'on' };
  if (str(form.documentId)) plain.documentId = str(form.documentId);
  return validateDto(CreateQuestionDto, { ...plain, ...kindParts(form, kind) });
}

/** The edit form of an existing question (its kind and document stay). */
export function questionUpdateForm(form: Form = {}, kind: QuestionKind): UpdateQuestionDto {
  return validateDto(UpdateQuestionDto, { text: str(form.text), required: str(form.required) === 'on', ...kindParts(form, kind) });
}

/** One criterion per line of the textarea. */
export function criteriaForm(form: Form = {}): CriterionDto[] {
  return lines(form.criteria).map((text) => validateDto(CriterionDto, { text }));
}

export const formString = str;

/** The document details form; direction and authors only while they may change (before expertise). */
export function documentForm(form: Form = {}, refsEditable: boolean): UpdateDocumentDto {
  return validateDto(UpdateDocumentDto, {
    title: str(form.title),
    description: str(form.description),
    ...(refsEditable
      ? {
          direction: str(form.direction) || null,
          authorOrganizationId: str(form.authorOrganizationId) || null,
          authorTerritoryId: str(form.authorTerritoryId) || null,
        }
      : {}),
  });
}
