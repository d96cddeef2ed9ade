import { Injectable, Logger, Optional } from '@nestjs/common';
import Handlebars from 'handlebars';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { AppConfig, centreContacts } from '../config/app.config';
import { projectRoot } from './project-root';
import { VIEW_HELPERS } from './view-helpers';

export interface RenderOptions {
  /** A template under templates/layouts, or null for none (fragments, email text parts). */
  layout?: string | null;
}

/**
 * All Handlebars templates (pages, emails, report HTML) compiled once at start-up from templates/.
 * Our own Handlebars instance, so helpers and partials never leak between users of the library.
 * Everything interpolated with {{ }} is HTML-escaped (except in *.text / *.subject templates, which are plain text);
 * templates never use {{{ }}} for user text.
 */
@Injectable()
export class ViewService {
  private readonly logger = new Logger(ViewService.name);
  private readonly hbs = Handlebars.create();
  private readonly templates = new Map<string, Handlebars.TemplateDelegate>();
  readonly root = join(projectRoot(), 'templates');
  /** The centre's contacts for the footer of every page (layouts get them as `centre`). */
  private readonly centre: ReturnType<typeof centreContacts>;

  constructor(@Optional() config?: AppConfig) {
    this.centre = centreContacts(config ?? new AppConfig());
    for (const [name, fn] of Object.entries(VIEW_HELPERS)) this.hbs.registerHelper(name, fn);
    for (const file of walk(this.root)) {
      const name = relative(this.root, file)
        .split(sep)
        .join('/')
        .replace(/\.hbs$/, '');
      const source = readFileSync(file, 'utf8');
      if (name.startsWith('partials/')) {
        this.hbs.registerPartial(name.slice('partials/'.length), source);
      } else {
        // plain-text parts (email text bodies and subjects) are not HTML, so they are not HTML-escaped
        const plain = /\.(text|subject)$/.test(name);
        this.templates.set(name, this.hbs.compile(source, { preventIndent: true, noEscape: plain }));
      }
    }
    this.logger.debug(`compiled ${this.templates.size} templates`);
  }

  has(name: string): boolean {
    return this.templates.has(name);
  }

  render(name: string, context: Record<string, unknown>, options: RenderOptions = {}): string {
    const template = this.templates.get(name);
    if (!template) throw new Error(`template not found: ${name}`);
    const body = template(context);
    const layoutName = options.layout === undefined ? (name.startsWith('pages/') ? 'layouts/main' : null) : options.layout;
    if (!layoutName) return body;
    return this.inLayout(body, context, layoutName);
  }

  /** An already rendered page body inside a layout (for bodies cached by their owner). */
  inLayout(body: string, context: Record<string, unknown>, layoutName = 'layouts/main'): string {
    const layout = this.templates.get(layoutName);
    if (!layout) throw new Error(`layout not found: ${layoutName}`);
    return layout({ ...context, centre: this.centre, body });
  }
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...walk(full));
    else if (entry.endsWith('.hbs')) out.push(full);
  }
  return out.sort();
}
