import type { FastifyInstance } from 'fastify';
import { JOB_LABELS, QUEUE_LABELS } from './queue-registry';

/**
 * bull-board's page made fit for the administrator: it says it is in Russian and fetches no font from Google (the
 * content security policy refuses it anyway, and a school's network may not reach it). bull-board gives its icon-only
 * buttons no accessible name (a screen reader says only «кнопка»; axe: button-name) and its Redis logo no text
 * alternative (svg-img-alt), shows queues, jobs and statuses by their codes in places, and draws some text in greys
 * under 4.5:1; a small script of ours, served from the same origin, puts each right as it appears.
 */
export const ACCESSIBLE_NAMES_SCRIPT = 'accessible-names.js';

/** Names by the icon a button shows (lucide's class); a menu button without one is «Действия». */
const ICON_NAMES: Record<string, string> = {
  maximize: 'Во весь экран',
  'maximize-2': 'Во весь экран',
  minimize: 'Выйти из полноэкранного режима',
  'minimize-2': 'Выйти из полноэкранного режима',
  settings: 'Настройки',
  'refresh-cw': 'Обновить',
  'rotate-cw': 'Повторить',
  'trash-2': 'Удалить',
  trash: 'Удалить',
  copy: 'Копировать',
  x: 'Закрыть',
  menu: 'Меню',
  'panel-left': 'Меню',
  'chevron-left': 'Назад',
  'chevron-right': 'Вперёд',
  'chevron-down': 'Развернуть',
  'chevron-up': 'Свернуть',
  sun: 'Светлая тема',
  moon: 'Тёмная тема',
  play: 'Запустить',
  pause: 'Приостановить',
  search: 'Искать',
  // the menu that holds the links of uiConfig.miscLinks
  'circle-user': 'Ссылки',
};

/**
 * A job status as bull-board's Russian messages should have named it: they put the status's code where its name goes
 * («нет задач со статусом latest»).
 */
const STATUS_NAMES: Record<string, string> = {
  latest: '«последние»',
  active: '«активные»',
  'waiting-children': '«ожидают дочерние»',
  waiting: '«ожидающие»',
  prioritized: '«приоритетные»',
  completed: '«завершённые»',
  failed: '«неудачные»',
  delayed: '«отложенные»',
  paused: '«на паузе»',
};

/** Queues by their Russian names: bull-board's side menu shows a queue's code even when it has a display name. */
const QUEUE_NAMES = Object.fromEntries(Object.entries(QUEUE_LABELS).map(([code, label]) => [code, label.name]));
/** A job's name shown alone (a job's card) by its Russian name, capitalised as a title. */
const JOB_NAMES = Object.fromEntries(Object.entries(JOB_LABELS).map(([code, label]) => [code, label[0].toUpperCase() + label.slice(1)]));

const SCRIPT = `(() => {
  const NAMES = ${JSON.stringify(ICON_NAMES)};
  const QUEUES = ${JSON.stringify(QUEUE_NAMES)};
  const JOBS = ${JSON.stringify(JOB_NAMES)};
  const STATUSES = ${JSON.stringify(STATUS_NAMES)};
  const STATUS_CODE = new RegExp('(статусом|статусе|состоянии|Статус:) (' + Object.keys(STATUSES).join('|') + ')(?![a-z-])', 'g');
  // innerText: the text a person sees (the Redis logo's <style> is not a name)
  const named = (el) => !!(el.getAttribute('aria-label') || el.getAttribute('title') || (el.innerText || '').trim());
  const isRedisLogo = (svg) => !!svg && svg.innerHTML.includes('rds-');
  const label = () => {
    for (const b of document.querySelectorAll('button:not([aria-label])')) {
      if (named(b)) continue;
      const icon = b.querySelector('svg.lucide');
      const kind = icon && [...icon.classList].find((c) => c.startsWith('lucide-') && c !== 'lucide-icon');
      const name =
        (kind && NAMES[kind.slice(7)]) ||
        (isRedisLogo(b.querySelector('svg[role="img"]')) ? 'Сведения о Redis' : '') ||
        (b.getAttribute('aria-haspopup') === 'menu' ? 'Действия' : '');
      if (name) b.setAttribute('aria-label', name);
    }
    for (const svg of document.querySelectorAll('svg[role="img"]:not([aria-label]):not([aria-hidden])')) {
      if (svg.querySelector('title')) continue;
      const control = svg.closest('button, a');
      if (control && named(control)) svg.setAttribute('aria-hidden', 'true');
      else svg.setAttribute('aria-label', isRedisLogo(svg) ? 'Redis' : 'Значок');
    }
  };
  // a queue's or a job's code shown alone (the side menu, the queue picker of narrow screens, a job's card) becomes its
  // name; a status's code inside a sentence becomes the status's name; job data (pre, code) is left as it is
  const words = () => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.nodeValue;
      if (text.length > 500 || node.parentElement.closest('pre, code, textarea')) continue;
      const code = text.trim();
      if (Object.hasOwn(QUEUES, code)) {
        node.nodeValue = text.replace(code, QUEUES[code]);
      } else if (Object.hasOwn(JOBS, code)) {
        node.nodeValue = text.replace(code, JOBS[code]);
      } else if (/статус|состоянии/i.test(text)) {
        const fixed = text.replace(STATUS_CODE, (_, before, status) => before + ' ' + STATUSES[status]);
        if (fixed !== text) node.nodeValue = fixed;
      }
    }
    for (const option of document.querySelectorAll('option')) {
      const code = option.textContent.trim();
      if (Object.hasOwn(QUEUES, code)) option.textContent = QUEUES[code];
    }
  };
  const logo = () => {
    // the logo stands beside the board's title, which says the same: decorative
    for (const img of document.querySelectorAll('img[src$="logo.svg"]:not([alt=""])')) img.setAttribute('alt', '');
  };
  const contrast = () => {
    // bull-board's muted greys reach only 4.4:1 on its grey panels (the «Ctrl K» hint, a queue's title and
    // description, a job's times, null in its data): darkened to 4.5:1 and more
    if (document.getElementById('bb-contrast')) return;
    const style = document.createElement('style');
    style.id = 'bb-contrast';
    style.textContent =
      ':root { --muted-foreground: #4b5560; --hl-meta: #56606b; } small { opacity: 1; }' +
      ' span[class^="queueName-"] { color: var(--foreground); }';
    document.head.append(style);
  };
  const adapt = () => {
    label();
    words();
    logo();
    contrast();
  };
  adapt();
  // characterData too: React writing a queue's code back into the menu is put right again
  new MutationObserver(adapt).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
})();
`;

/** bull-board's HTML entry page as our administrator gets it (see the file's comment). */
export function adaptDashboardHtml(html: string): string {
  return html
    .replace('<html lang="en"', '<html lang="ru"')
    .replace(/<link href="https:\/\/fonts\.googleapis\.com\/[^"]*" rel="stylesheet">/, '')
    .replace('</head>', `<script defer src="${ACCESSIBLE_NAMES_SCRIPT}"></script></head>`);
}

/** Serves the script and adapts every HTML page of the dashboard's plugin instance. */
export function adaptDashboardPages(instance: FastifyInstance): void {
  instance.get(`/${ACCESSIBLE_NAMES_SCRIPT}`, async (_req, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(SCRIPT),
  );
  instance.addHook('onSend', async (_req, reply, payload) => {
    const type = String(reply.getHeader('content-type') ?? '');
    return typeof payload === 'string' && type.startsWith('text/html') ? adaptDashboardHtml(payload) : payload;
  });
}
