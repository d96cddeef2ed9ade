import { displayTimeZone } from '../../src/common/display-time-zone';
import { AppConfig, ConfigValidationError, validateConfig } from '../../src/config/app.config';

function refusal(raw: Record<string, unknown>): string {
  try {
    validateConfig(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigValidationError);
    return (err as Error).message;
  }
  throw new Error('configuration was accepted');
}

describe('validateConfig', () => {
  it('accepts the local-demo defaults in development', () => {
    const config = validateConfig({});
    expect(config).toBeInstanceOf(AppConfig);
    expect(config.NODE_ENV).toBe('development');
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/discussion');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379/0');
    expect(config.OUTBOX_LOST_AFTER_MS).toBe(15_000);
    expect(config.SESSION_SECRET).toBe('local-demo-only-session-secret-change-me');
  });

  it('COMPRESSION is on by default, takes on|off and refuses anything else', () => {
    expect(validateConfig({}).COMPRESSION).toBe('on');
    expect(validateConfig({ COMPRESSION: 'off' }).COMPRESSION).toBe('off');
    expect(refusal({ COMPRESSION: 'gzip' })).toContain('COMPRESSION: COMPRESSION must be one of the following values: on, off');
  });

  it('converts numbers given as strings (environment variables)', () => {
    const config = validateConfig({ PORT: '8080', OUTBOX_POLL_MS: '250', OUTBOX_LOST_AFTER_MS: '2000' });
    expect([config.PORT, config.OUTBOX_POLL_MS, config.OUTBOX_LOST_AFTER_MS]).toEqual([8080, 250, 2000]);
  });

  it('refuses production without SESSION_SECRET and RESPONSE_SALT, naming each variable', () => {
    const message = refusal({ NODE_ENV: 'production' });
    expect(message).toContain('SESSION_SECRET: must be set to a secret value in production');
    expect(message).toContain('RESPONSE_SALT: must be set to a secret value in production');
  });

  it('refuses production with the demo defaults given explicitly, and a short session secret', () => {
    const defaults = new AppConfig();
    const message = refusal({ NODE_ENV: 'production', SESSION_SECRET: defaults.SESSION_SECRET, RESPONSE_SALT: 'x'.repeat(40) });
    expect(message).toContain('SESSION_SECRET: must be set to a secret value in production');
    expect(message).not.toContain('RESPONSE_SALT');
    expect(refusal({ NODE_ENV: 'production', SESSION_SECRET: 'short-secret', RESPONSE_SALT: 'x'.repeat(40) })).toContain(
      'SESSION_SECRET: must be at least 32 characters in production',
    );
  });

  it('accepts production with real secrets', () => {
    const config = validateConfig({ NODE_ENV: 'production', SESSION_SECRET: 's'.repeat(48), RESPONSE_SALT: 'r'.repeat(48) });
    expect(config.NODE_ENV).toBe('production');
  });

  it('names a bad PORT, a bad NODE_ENV and a bad number', () => {
    const message = refusal({ PORT: '70000', NODE_ENV: 'staging', DATABASE_POOL_SIZE: 'many' });
    expect(message).toMatch(/^Invalid configuration:/);
    expect(message).toContain('PORT: PORT must not be greater than 65535');
    expect(message).toContain('NODE_ENV: NODE_ENV must be one of the following values: development, test, production');
    expect(message).toMatch(/DATABASE_POOL_SIZE: .*DATABASE_POOL_SIZE must be an integer number/);
    expect(refusal({ PORT: 'abc' })).toContain('PORT:');
  });

  it('takes DISPLAY_TIME_ZONE (Asia/Yekaterinburg by default) and refuses a zone that does not exist', () => {
    expect(validateConfig({}).DISPLAY_TIME_ZONE).toBe('Asia/Yekaterinburg');
    expect(displayTimeZone()).toBe('Asia/Yekaterinburg');
    expect(refusal({ DISPLAY_TIME_ZONE: 'Asia/Chelyabinsk-City' })).toContain(
      'DISPLAY_TIME_ZONE: must be an IANA time zone, e.g. Asia/Yekaterinburg',
    );
    try {
      expect(validateConfig({ DISPLAY_TIME_ZONE: 'Asia/Omsk' }).DISPLAY_TIME_ZONE).toBe('Asia/Omsk');
      expect(displayTimeZone()).toBe('Asia/Omsk');
    } finally {
      validateConfig({});
    }
  });
});
