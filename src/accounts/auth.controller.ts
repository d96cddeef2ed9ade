import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { requestIp } from '../common/request-ip';
import { AuthService } from './auth.service';
import { AuthUser, CurrentUser, Public } from './current-user';
import { LoginDto } from './dto/login.dto';
import { PasswordResetConfirmDto, PasswordResetRequestDto } from './dto/password-reset.dto';
import { PasswordResetService, RESET_REFUSED } from './password-reset.service';
import { ValidationError } from '../common/domain-error';
import { AcceptedDto, LoginResponseDto } from './dto/auth.response';
import { ApiErrors } from '../common/api-docs';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly resets: PasswordResetService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: LoginResponseDto, description: 'A bearer token for the API (the pages use a session cookie from the same login)' })
  @ApiErrors(400, 401, 429, 503)
  async login(@Body() dto: LoginDto, @Req() req: FastifyRequest) {
    const result = await this.auth.login(dto.email, dto.password, requestIp(req));
    return { accessToken: result.accessToken, user: result.user };
  }

  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The session (token) has ended' })
  @ApiErrors(401, 503)
  async logout(@CurrentUser() user: AuthUser): Promise<void> {
    await this.auth.logout(user.sessionId);
  }

  /** 202 whether or not the address has an account, and whether or not its email limit is reached (no enumeration). */
  @Public()
  @Post('password-reset')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: AcceptedDto, description: 'The same answer whether or not the address has an account' })
  @ApiErrors(400, 429, 503)
  async requestReset(@Body() dto: PasswordResetRequestDto, @Req() req: FastifyRequest): Promise<{ status: 'accepted' }> {
    await this.resets.request(dto.email, requestIp(req));
    return { status: 'accepted' };
  }

  @Public()
  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Password changed; other sessions ended' })
  @ApiErrors(400, 503)
  async confirmReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    const outcome = await this.resets.reset(dto.token, dto.password);
    if (outcome !== 'changed') throw new ValidationError([RESET_REFUSED[outcome]]);
  }
}
