import { Controller, Get, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OrganizerOnly } from '../accounts/current-user';
import { CampaignsService } from '../campaigns/campaigns.service';
import { sendPage } from '../common/page-form';
import { ViewService } from '../common/view.service';
import { BaseSiteChoicesRepository } from '../discussion/base-site-choices.repository';
import { ReferenceAdminRepository } from '../reference/reference-admin.repository';
import { ReferenceService } from '../reference/reference.service';
import { territoryLabel } from './reference-pages.helpers';

/** The base-site network by territory and by direction, and how many respondents of a campaign came from it. */
@ApiExcludeController()
@OrganizerOnly()
@Controller()
export class BaseSitesPagesController {
  constructor(
    private readonly views: ViewService,
    private readonly repo: ReferenceAdminRepository,
    private readonly reference: ReferenceService,
    private readonly choices: BaseSiteChoicesRepository,
    private readonly campaigns: CampaignsService,
  ) {}

  @Get('reference/base-sites')
  async network(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const [sites, lists] = await Promise.all([this.repo.baseSites(), this.reference.codeLists()]);
    const directionName = new Map(lists.directions.map((d) => [d.code, d.name]));
    const byTerritory = new Map<string, { label: string; sites: { name: string; innovationSite: boolean; directions: string }[] }>();
    for (const s of sites) {
      const group = byTerritory.get(s.territory_id) ?? {
        label: territoryLabel({ name: s.territory_name, kind: s.territory_kind }),
        sites: [],
      };
      group.sites.push({
        name: s.name,
        innovationSite: s.innovation_site,
        directions: s.directions
          .map((d) => directionName.get(d) ?? '')
          .filter(Boolean)
          .join(', '),
      });
      byTerritory.set(s.territory_id, group);
    }
    const byDirection = lists.directions.map((d) => ({
      name: d.name,
      sites: sites.filter((s) => s.directions.includes(d.code)).map((s) => ({ name: s.name, territory: s.territory_name })),
    }));
    return sendPage(reply, this.views, req, 'pages/admin/base-sites', {
      title: 'Сеть базовых площадок',
      total: sites.length,
      innovation: sites.filter((s) => s.innovation_site).length,
      territories: [...byTerritory.values()],
      directions: byDirection,
      withoutDirection: sites.filter((s) => !s.directions.length).map((s) => ({ name: s.name, territory: s.territory_name })),
    });
  }

  @Get('organizer/campaigns/:id/base-sites')
  async campaign(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @Param('id', ParseUUIDPipe) id: string) {
    const campaign = await this.campaigns.find(id);
    const [rows, counted] = await Promise.all([this.choices.perTerritory(id), this.choices.countedResponses(id)]);
    const total = rows.reduce((s, r) => s + r.respondents, 0);
    return sendPage(reply, this.views, req, 'pages/organizer/base-site-choices', {
      title: `Базовые площадки: ${campaign.title}`,
      campaign: { id: campaign.id, title: campaign.title },
      rows: rows.map((r) => ({
        territory: territoryLabel({ name: r.territory_name, kind: r.territory_kind }),
        respondents: r.respondents,
        organizations: r.organizations,
      })),
      total,
      counted,
      share: counted ? Math.round((total / counted) * 1000) / 10 : 0,
    });
  }
}
