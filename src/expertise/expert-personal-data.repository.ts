import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface ExpertPersonRow {
  id: string;
  full_name: string;
  email: string;
  active: boolean;
  email_confirmed_at: Date | null;
  created_at: Date;
  status: string;
  territory_name: string;
  organization_name: string;
  position: string;
  competences: string[];
  about: string;
  status_reason: string | null;
  consent_version: string | null;
  consent_at: Date | null;
  erased_at: Date | null;
}

export interface ExpertReviewRow {
  campaign_title: string;
  document_title: string;
  status: string;
  recommendation: string | null;
  general_comment: string | null;
  submitted_at: Date | null;
  criterion: string | null;
  score: number | null;
  comment: string | null;
}

/**
 * An expert's personal data: read whole for a subject-access request, or erased on request (152-FZ). The person is
 * spread over several modules' tables (`users`, `user_tokens`, `mail_messages`, the reviews' campaigns and criteria):
 * the erasure must change all of them in one transaction, so this repository is a documented exception to table
 * ownership (docs/architecture.md). Used by admin's ExpertPersonalDataService (ExpertiseModule exports it).
 */
@Injectable()
export class ExpertPersonalDataRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async person(userId: string, m: EntityManager = this.dataSource.manager): Promise<ExpertPersonRow | null> {
    const rows: ExpertPersonRow[] = await m.query(
      `SELECT u.id, u.full_name, u.email, u.active, u.email_confirmed_at, u.created_at, p.status, t.name AS territory_name,
              p.organization_name, p.position, p.competences, p.about, p.status_reason, p.consent_version, p.consent_at, p.erased_at
         FROM users u JOIN expert_profiles p ON p.user_id = u.id JOIN territories t ON t.id = p.territory_id
        WHERE u.id = $1 AND u.role = 'expert'`,
      [userId],
    );
    return rows[0] ?? null;
  }

  reviews(userId: string): Promise<ExpertReviewRow[]> {
    return this.dataSource.query(
      `SELECT c.title AS campaign_title, d.title AS document_title, a.status, a.recommendation, a.general_comment, a.submitted_at,
              cr.text AS criterion, s.score, s.comment
         FROM assignments a
         JOIN campaigns c ON c.id = a.campaign_id
         JOIN documents d ON d.id = a.document_id
         LEFT JOIN review_scores s ON s.assignment_id = a.id
         LEFT JOIN criteria cr ON cr.id = s.criterion_id
        WHERE a.expert_id = $1
        ORDER BY c.title, d.title, cr.sort_order`,
      [userId],
    );
  }

  /**
   * Replaces what identifies the person: name, address (a unique placeholder that cannot be delivered), organization,
   * position, free text; blocks the account and drops its emailed links and the addresses of its emails. Scores,
   * comments and recommendations stay, so every figure stays the same.
   */
  async erase(m: EntityManager, userId: string, placeholderEmail: string, unusableHash: string): Promise<string> {
    const [{ email }]: { email: string }[] = await m.query(`SELECT email FROM users WHERE id = $1 FOR UPDATE`, [userId]);
    await m.query(
      `UPDATE users SET full_name = 'Эксперт (данные удалены)', email = $2, password_hash = $3, active = false,
              email_confirmed_at = NULL, updated_at = now() WHERE id = $1`,
      [userId, placeholderEmail, unusableHash],
    );
    await m.query(
      `UPDATE expert_profiles SET organization_name = '', organization_id = NULL, position = '', about = '', status_reason = NULL,
              erased_at = now(), updated_at = now() WHERE user_id = $1`,
      [userId],
    );
    await m.query(`DELETE FROM user_tokens WHERE user_id = $1`, [userId]);
    await m.query(`UPDATE mail_messages SET to_address = $2, context = '{}'::jsonb WHERE to_address = $1`, [email, placeholderEmail]);
    return email;
  }
}
