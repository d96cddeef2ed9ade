/**
 * The environment exactly as the user gave it, captured before anything else is imported: @nestjs/config's
 * forRoot() (evaluated when the CLI module is imported) writes every validated default back into process.env.
 */
export const givenEnv: NodeJS.ProcessEnv = { ...process.env };
