import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { OrganizerOnly } from '../accounts/current-user';
import { ApiErrors } from '../common/api-docs';
import { RoundsDto } from './dto/results.response';
import { Round, RoundsService } from './rounds.service';

@ApiTags('results')
@ApiBearerAuth()
@OrganizerOnly()
@Controller('api/v1/results')
export class RoundsController {
  constructor(private readonly rounds: RoundsService) {}

  @Get('rounds')
  @ApiOkResponse({
    type: RoundsDto,
    description: 'Every campaign past its draft, oldest first, with its change from the previous one (docs/results.md)',
  })
  @ApiErrors(401, 403, 503)
  async list(): Promise<{ rounds: Round[] }> {
    return { rounds: await this.rounds.rounds() };
  }
}
