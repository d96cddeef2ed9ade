import { User } from '../accounts/entities/user.entity';
import { UserToken } from '../accounts/entities/user-token.entity';
import { AuditEntry } from '../audit/entities/audit-entry.entity';
import { Campaign } from '../campaigns/entities/campaign.entity';
import { Criterion } from '../campaigns/entities/criterion.entity';
import { DocumentVersion } from '../campaigns/entities/document-version.entity';
import { CampaignDocument } from '../campaigns/entities/document.entity';
import { QuestionOption } from '../campaigns/entities/question-option.entity';
import { ScheduledTransitionFailure } from '../campaigns/entities/scheduled-transition-failure.entity';
import { Question } from '../campaigns/entities/question.entity';
import { ResponseAnswer } from '../discussion/entities/response-answer.entity';
import { Response } from '../discussion/entities/response.entity';
import { Assignment } from '../expertise/entities/assignment.entity';
import { ExpertProfile } from '../expertise/entities/expert-profile.entity';
import { ReviewScore } from '../expertise/entities/review-score.entity';
import { MailMessage } from '../mail/entities/mail-message.entity';
import { OutboxMessage } from '../queue/entities/outbox-message.entity';
import { Organization } from '../reference/entities/organization.entity';
import { Direction, OrganizationType, Position, Recommendation } from '../reference/entities/reference-item.entity';
import { Territory } from '../reference/entities/territory.entity';
import { ProposalDecision } from '../proposals/entities/proposal-decision.entity';
import { Report } from '../reports/entities/report.entity';
import { ResultsSnapshot } from '../results/entities/results-snapshot.entity';
import { OptionTally, QuestionTally, ResponseTally, ScaleTally } from '../results/entities/tallies.entity';
import { PublishedProposals } from '../proposals/entities/published-proposals.entity';

/** Every entity; the migrations must describe exactly these (test/integration/schema-drift.spec.ts). */
export const ENTITIES = [
  Territory,
  OrganizationType,
  Position,
  Direction,
  Recommendation,
  Organization,
  User,
  UserToken,
  Campaign,
  CampaignDocument,
  DocumentVersion,
  Question,
  QuestionOption,
  Criterion,
  ScheduledTransitionFailure,
  Response,
  ResponseAnswer,
  ExpertProfile,
  Assignment,
  ReviewScore,
  ProposalDecision,
  PublishedProposals,
  ResultsSnapshot,
  ResponseTally,
  OptionTally,
  ScaleTally,
  QuestionTally,
  Report,
  MailMessage,
  AuditEntry,
  OutboxMessage,
];
