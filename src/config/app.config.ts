import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsTimeZone, Max, Min, validateSync } from 'class-validator';
import { DEFAULT_DISPLAY_TIME_ZONE, setDisplayTimeZone } from '../common/display-time-zone';

/**
 * Every setting the platform reads. Defaults are for a local demo only: in production the secrets
 * below must be given explicitly, or the process refuses to start (see validateConfig).
 */
export class AppConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT: number = 3000;

  @IsString()
  HOST: string = '127.0.0.1';

  @IsString()
  DATABASE_URL: string = 'postgres://postgres@127.0.0.1:5432/discussion';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE: number = 20;

  @IsString()
  REDIS_URL: string = 'redis://127.0.0.1:6379/0';

  /** Prefix of every Redis key (queues, sessions, rate limits): lets tests and several installs share one Redis. */
  @IsString()
  REDIS_PREFIX: string = 'dp';

  @IsString()
  SMTP_URL: string = 'smtp://127.0.0.1:1025';

  @IsString()
  MAIL_FROM: string = 'Платформа обсуждений <no-reply@localhost>';

  /** Public base URL used in links of emails; never taken from the request's Host header. */
  @IsString()
  APP_URL: string = 'http://localhost:3000';

  @IsString()
  STORAGE_DIR: string = './var/storage';

  /** Local-demo default; production refuses to start with it. */
  @IsString()
  SESSION_SECRET: string = 'local-demo-only-session-secret-change-me';

  /** Salt of the hash of client traits kept to spot ballot stuffing; local-demo default. */
  @IsString()
  RESPONSE_SALT: string = 'local-demo-only-response-salt-change-me';

  @Type(() => Number)
  @IsInt()
  @Min(1)
  SESSION_TTL_SECONDS: number = 8 * 3600;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  UPLOAD_MAX_BYTES: number = 50 * 1024 * 1024;

  @Type(() => Number)
  @IsInt()
  @Min(1024)
  SUBMISSION_MAX_BYTES: number = 256 * 1024;

  /** Group commit of public submissions: how long the first one waits for company (ms), the batch size, batches in flight. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SUBMISSION_BATCH_WINDOW_MS: number = 2;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  SUBMISSION_BATCH_MAX: number = 100;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  SUBMISSION_BATCH_CONCURRENCY: number = 4;

  /**
   * Soft rate limit of public submissions per minute: per client fingerprint (address + user agent) and a much higher
   * cap per address, so a whole school behind one NAT address still gets through. 0 turns a limit off.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SUBMISSION_RATE_PER_CLIENT: number = 60;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  SUBMISSION_RATE_PER_IP: number = 600;

  /**
   * IANA time zone in which times are shown on pages and in emails, typed in forms and exported in reports (the
   * region's local time). Stored times stay UTC instants.
   */
  @IsTimeZone({ message: 'must be an IANA time zone, e.g. Asia/Yekaterinburg' })
  DISPLAY_TIME_ZONE: string = DEFAULT_DISPLAY_TIME_ZONE;

  @IsString()
  CHROMIUM_PATH: string = '/usr/bin/chromium';

  @IsString()
  LOG_LEVEL: string = 'info';

  /** How often the worker's outbox relay looks for rows to hand to Bull, in ms. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  OUTBOX_POLL_MS: number = 500;

  /** A dispatched outbox row whose Bull job is missing from Redis (restarted empty) for this long is handed again, in ms. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  OUTBOX_LOST_AFTER_MS: number = 15_000;

  /** How often the scheduler looks for due stage transitions and reminders, in ms. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  SCHEDULER_INTERVAL_MS: number = 30_000;

  /**
   * How often the worker folds the tally deltas submissions append into the totals, in ms: between two folds the
   * live figures add up to ~2.5 delta rows per submission stored since (docs/results.md «Tallies»).
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  TALLY_FOLD_INTERVAL_MS: number = 5_000;

  /** Bull: how often a worker checks for jobs whose worker died or stalled (lock expired), in ms. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  QUEUE_STALLED_INTERVAL_MS: number = 15_000;

  /** Bull: how long a worker's lock on an active job lasts unless renewed; a job stalled past it runs again elsewhere, in ms. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  QUEUE_LOCK_DURATION_MS: number = 60_000;

  /** First retry delay of a failed job (exponential backoff from here), in ms. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  QUEUE_BACKOFF_MS: number = 2_000;

  /** SMTP: time to connect and to get the greeting, then the idle limit while talking, in ms (a hanging server is a retry). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  SMTP_CONNECT_TIMEOUT_MS: number = 10_000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  SMTP_SOCKET_TIMEOUT_MS: number = 20_000;

  /** SMTP connections kept open and reused by each worker process (a new connection per message caps mail at ~13/s). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  SMTP_POOL_SIZE: number = 5;

  /** Most messages each worker process sends per second (the provider's limit); 0 = no limit. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SMTP_RATE_PER_SECOND: number = 0;

  /** Mail jobs one worker process runs at once; read when the processor class loads, validated here at boot. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  MAIL_CONCURRENCY: number = 10;

  /** Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed; empty = none. */
  @IsOptional()
  @IsString()
  TRUST_PROXY: string = '';

  @IsOptional()
  @IsString()
  BULL_BOARD: string = 'on';

  /** The app compresses text answers (brotli, gzip); `off` when a reverse proxy in front of it does. */
  @IsIn(['on', 'off'])
  COMPRESSION: 'on' | 'off' = 'on';

  /** `off` removes /dev/mail (the caught demo emails); it is never served in production. */
  @IsIn(['on', 'off'])
  DEV_MAIL: 'on' | 'off' = 'on';

  /** Where the demo's SMTP sink saves caught emails (`.eml`) and /dev/mail reads them; relative to the project root. */
  @IsString()
  DEV_MAIL_DIR: string = './var/mail';

  /** The centre's contacts in the footer of every page. The defaults are demo values, marked as such on the page. */
  @IsString()
  CENTRE_NAME: string = 'Региональный центр оценки качества образования';

  @IsString()
  CENTRE_EMAIL: string = 'centre@example.org';

  @IsString()
  CENTRE_PHONE: string = '+7 (351) 000-00-00';

  /** 152-FZ: where the personal-data policy text is published (linked next to the consent checkbox). */
  @IsString()
  PRIVACY_POLICY_URL: string = '/privacy';

  /** Version of that policy text; stored with each expert's consent. */
  @IsString()
  PRIVACY_POLICY_VERSION: string = '2026-01';
}

/** The centre's contacts as the layout shows them; `demo` when they are still the defaults. */
export function centreContacts(config: AppConfig) {
  const defaults = new AppConfig();
  return {
    name: config.CENTRE_NAME,
    email: config.CENTRE_EMAIL,
    phone: config.CENTRE_PHONE,
    phoneHref: config.CENTRE_PHONE.replace(/[^0-9+]/g, ''),
    demo: config.CENTRE_EMAIL === defaults.CENTRE_EMAIL || config.CENTRE_PHONE === defaults.CENTRE_PHONE,
  };
}

const LOCAL_DEFAULT_SECRETS: (keyof AppConfig)[] = ['SESSION_SECRET', 'RESPONSE_SALT'];

export class ConfigValidationError extends Error {}

export function validateConfig(raw: Record<string, unknown>): AppConfig {
  const config = plainToInstance(AppConfig, raw, { enableImplicitConversion: false, exposeDefaultValues: true });
  const errors = validateSync(config, { skipMissingProperties: false, whitelist: false });
  const problems = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`);
  if (config.NODE_ENV === 'production') {
    const defaults = new AppConfig();
    for (const key of LOCAL_DEFAULT_SECRETS) {
      if (!raw[key] || raw[key] === defaults[key]) {
        problems.push(`${key}: must be set to a secret value in production (the default is for local demos only)`);
      }
    }
    if (String(raw.SESSION_SECRET ?? '').length < 32) {
      problems.push('SESSION_SECRET: must be at least 32 characters in production');
    }
  }
  if (problems.length) {
    throw new ConfigValidationError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  // the view helpers and report renderers run outside injection: they read the zone from here
  setDisplayTimeZone(config.DISPLAY_TIME_ZONE);
  return config;
}

/** Reads process.env once; used by code that runs outside Nest's DI (CLI, ormconfig, scripts). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return validateConfig({ ...env });
}
