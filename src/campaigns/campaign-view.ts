import { CAMPAIGN_STATUS_LABELS } from './campaign-status';
import { Campaign } from './entities/campaign.entity';
import { Criterion } from './entities/criterion.entity';
import { DocumentVersion } from './entities/document-version.entity';
import { CampaignDocument } from './entities/document.entity';
import { Question } from './entities/question.entity';

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** The API shape of a campaign (docs/api.md). */
export function campaignView(c: Campaign) {
  return {
    id: c.id,
    slug: c.slug,
    title: c.title,
    description: c.description,
    status: c.status,
    statusLabel: CAMPAIGN_STATUS_LABELS[c.status],
    discussion: { opensAt: iso(c.discussionOpensAt), closesAt: iso(c.discussionClosesAt) },
    expertise: { opensAt: iso(c.expertiseOpensAt), closesAt: iso(c.expertiseClosesAt) },
    criterionScale: c.criterionScale,
    frozenAt: iso(c.frozenAt),
    resultsPublished: c.resultsPublished,
    reportRecipients: c.reportRecipients,
    statusChangedAt: iso(c.statusChangedAt),
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}

export function versionView(v: DocumentVersion) {
  return {
    id: v.id,
    number: v.number,
    fileName: v.fileName,
    contentType: v.contentType,
    size: v.size,
    sha256: v.sha256,
    notes: v.notes,
    createdAt: iso(v.createdAt),
  };
}

export function documentView(d: CampaignDocument, current: DocumentVersion | null, versions?: DocumentVersion[]) {
  return {
    id: d.id,
    campaignId: d.campaignId,
    title: d.title,
    description: d.description,
    direction: d.directionCode,
    authorOrganizationId: d.authorOrganizationId,
    authorTerritoryId: d.authorTerritoryId,
    sortOrder: d.sortOrder,
    currentVersion: current ? versionView(current) : null,
    frozenVersionNumber: d.frozenVersionNumber,
    ...(versions ? { versions: versions.map(versionView) } : {}),
  };
}

export function questionView(q: Question) {
  return {
    id: q.id,
    documentId: q.documentId,
    kind: q.kind,
    text: q.text,
    required: q.required,
    sortOrder: q.sortOrder,
    options: (q.options ?? []).sort((a, b) => a.sortOrder - b.sortOrder).map((o) => ({ id: o.id, text: o.text, exclusive: o.exclusive })),
    scale:
      q.scaleMin !== null && q.scaleMax !== null
        ? { min: q.scaleMin, max: q.scaleMax, minLabel: q.scaleMinLabel, maxLabel: q.scaleMaxLabel }
        : null,
    maxLength: q.maxLength,
  };
}

export function criterionView(c: Criterion) {
  return { id: c.id, text: c.text, description: c.description, sortOrder: c.sortOrder };
}
