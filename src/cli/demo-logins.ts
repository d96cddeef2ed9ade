import { Role } from '../accounts/entities/user.entity';

export interface DemoLogin {
  email: string;
  password: string;
  role: Role;
  fullName: string;
}

/** Logins for a LOCAL DEMO only: printed by `npm run demo`; never use them on a reachable server. */
export const DEMO_LOGINS: (DemoLogin & { territory?: string; organization?: string; position?: string })[] = [
  { email: 'admin@demo.local', password: 'demo-admin-2026', role: Role.Admin, fullName: 'Администратор Демонстрационный' },
  { email: 'organizer@demo.local', password: 'demo-organizer-2026', role: Role.Organizer, fullName: 'Ольга Организаторова' },
  {
    email: 'expert@demo.local',
    password: 'demo-expert-2026',
    role: Role.Expert,
    fullName: 'Эдуард Экспертов',
    territory: 'Челябинский городской округ',
    organization: 'МБОУ «СОШ № 1»',
    position: 'Методист',
  },
  {
    email: 'expert2@demo.local',
    password: 'demo-expert-2026',
    role: Role.Expert,
    fullName: 'Елена Оценщикова',
    territory: 'Магнитогорский городской округ',
    organization: 'МАОУ «Гимназия № 2»',
    position: 'Заместитель директора',
  },
  {
    email: 'expert3@demo.local',
    password: 'demo-expert-2026',
    role: Role.Expert,
    fullName: 'Пётр Рецензентов',
    territory: 'Аргаяшский муниципальный район',
    organization: 'Управление образования',
    position: 'Специалист',
  },
];

/** The address domain of every demo login: an account there is a demo account whatever its name. */
export const DEMO_DOMAIN = 'demo.local';
