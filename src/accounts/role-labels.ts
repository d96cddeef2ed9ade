import { Role } from './entities/user.entity';

/** How a role is named on pages, in the audit log and in exports. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  [Role.Admin]: 'Администратор',
  [Role.Organizer]: 'Организатор',
  [Role.Expert]: 'Эксперт',
};
