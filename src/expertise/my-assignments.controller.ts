import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser, CurrentUser, Roles } from '../accounts/current-user';
import { Role } from '../accounts/entities/user.entity';
import { ReviewDto } from './dto/expertise.dto';
import { ReviewsService } from './reviews.service';
import { MyAssignmentDetailDto, MyAssignmentSummaryDto } from './dto/expertise.response';
import { ApiErrors, ApiSignedInErrors } from '../common/api-docs';

@ApiTags('expert')
@ApiBearerAuth()
@Roles(Role.Expert)
@ApiSignedInErrors()
@Controller('api/v1/me/assignments')
export class MyAssignmentsController {
  constructor(private readonly reviews: ReviewsService) {}

  @Get()
  @ApiOkResponse({ type: [MyAssignmentSummaryDto] })
  list(@CurrentUser() user: AuthUser) {
    return this.reviews.listMine(user.id);
  }

  @Get(':id')
  @ApiOkResponse({ type: MyAssignmentDetailDto })
  get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return this.reviews.getMine(user.id, id);
  }

  @Put(':id/review')
  @ApiOkResponse({ type: MyAssignmentDetailDto, description: 'The assignment with the saved review; submit:true locks it' })
  @ApiErrors(409)
  save(@CurrentUser() user: AuthUser, @Param('id') id: string, @Body() dto: ReviewDto) {
    return this.reviews.saveReview(user.id, id, dto);
  }
}
