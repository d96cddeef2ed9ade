/** Real ids of one campaign's objects, to put into route parameters. */
export interface RealIds {
  campaignId: string;
  slug: string;
  documentId: string;
  questionId: string;
  responseId: string;
  assignmentId: string;
  expertId: string;
  reportId: string;
  organizationId: string;
  userId: string;
  /** A territory with organizations (the public picker's list). */
  territoryId: string;
  /** a proposal: the id of a free-text answer of a counted response */
  proposalId: string;
}

/** A free-text answer of a counted response of the campaign (a proposal). */
export async function proposalIdOf(ds: { query: (sql: string, params: unknown[]) => Promise<{ id: string }[]> }, campaignId: string) {
  const [row] = await ds.query(
    `SELECT a.id::text AS id FROM response_answers a JOIN responses r ON r.id = a.response_id
      WHERE r.campaign_id = $1 AND NOT r.excluded AND a.text IS NOT NULL ORDER BY a.id LIMIT 1`,
    [campaignId],
  );
  return row.id;
}

/** The path with every parameter replaced by a real id. */
export function realUrl(path: string, ids: RealIds): string {
  return path.replace(/:([A-Za-z]+)/g, (_m, name: string) => {
    switch (name) {
      case 'id':
        if (/^\/(api\/v1\/|organizer\/)campaigns\//.test(path)) return ids.campaignId;
        if (path.startsWith('/admin/users/')) return ids.userId;
        if (path.startsWith('/admin/territories/')) return ids.territoryId;
        if (path.includes('/experts/')) return ids.expertId;
        if (path.includes('/reports/')) return ids.reportId;
        if (path.includes('/territories/') && ids.territoryId) return ids.territoryId;
        if (path.includes('/organizations/')) return ids.organizationId;
        if (path.includes('assignments/')) return ids.assignmentId;
        throw new Error(`no real id for ${path}`);
      case 'documentId':
        return ids.documentId;
      case 'questionId':
        return ids.questionId;
      case 'responseId':
        return ids.responseId;
      case 'proposalId':
        return ids.proposalId;
      case 'assignmentId':
        return ids.assignmentId;
      case 'action':
        return path.includes('/experts/') ? 'suspend' : 'remind';
      case 'number':
        return '1';
      case 'slug':
        return ids.slug;
      default:
        throw new Error(`unknown parameter :${name} in ${path}`);
    }
  });
}
