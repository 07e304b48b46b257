import { TraceContext } from '@enclave/service-kit';
import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ChangeRolloutStateUseCase, RolloutCommand } from './change-rollout-state.use-case';
import { ProductParam } from '../http/path-params.decorator';
import { RolloutIdParam } from './rollout-id.param';
import { RolloutTenantsQueryDto } from './rollout-tenants-query.dto';
import { RolloutsReader } from './rollouts.reader';
import { StartRolloutDto } from './start-rollout.dto';
import { StartRolloutUseCase } from './start-rollout.use-case';

@ApiTags('rollouts')
@ApiBearerAuth()
@Controller('v1/products/:product/rollouts')
export class RolloutsController {
  constructor(
    private readonly startRollout: StartRolloutUseCase,
    private readonly changeState: ChangeRolloutStateUseCase,
    private readonly reader: RolloutsReader,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Roll a product out to a published version, canary group first.' })
  @ApiResponse({ status: 202, description: 'Started; watch it with GET …/rollouts/:id.' })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  @ApiResponse({ status: 409, description: 'A rollout is under way, or the version is older.' })
  @ApiResponse({ status: 422, description: 'Unpublished version, or an unknown canary tenant.' })
  async start(@ProductParam() product: string, @Body() body: StartRolloutDto) {
    const rollout = await this.startRollout.execute(
      product,
      body,
      TraceContext.current().correlationId,
    );
    return this.reader.summary(rollout);
  }

  @Get()
  @ApiOperation({ summary: "A product's rollouts, newest first, with counts per state." })
  @ApiResponse({ status: 404, description: 'Unknown product.' })
  list(@ProductParam() product: string) {
    return this.reader.list(product);
  }

  @Get(':rolloutId')
  @ApiOperation({ summary: 'One rollout: counts, and each tenant with its result and duration.' })
  @ApiResponse({ status: 404, description: 'No such rollout of this product.' })
  get(
    @ProductParam() product: string,
    @RolloutIdParam() rolloutId: string,
    @Query() { state }: RolloutTenantsQueryDto,
  ) {
    return this.reader.get(product, rolloutId, state);
  }

  @Post(':rolloutId/pause')
  @HttpCode(200)
  @ApiOperation({ summary: 'Pause a rollout: upgrades under way finish, no new one starts.' })
  @ApiResponse({ status: 409, description: 'Not running.' })
  pause(@ProductParam() product: string, @RolloutIdParam() rolloutId: string) {
    return this.steer(product, rolloutId, 'pause');
  }

  @Post(':rolloutId/resume')
  @HttpCode(200)
  @ApiOperation({ summary: 'Resume a paused rollout; its failed tenants are tried again.' })
  @ApiResponse({ status: 409, description: 'Not paused.' })
  resume(@ProductParam() product: string, @RolloutIdParam() rolloutId: string) {
    return this.steer(product, rolloutId, 'resume');
  }

  @Post(':rolloutId/abort')
  @HttpCode(200)
  @ApiOperation({ summary: 'Abort a rollout; its target does not become current.' })
  @ApiResponse({ status: 409, description: 'Already completed or aborted.' })
  abort(@ProductParam() product: string, @RolloutIdParam() rolloutId: string) {
    return this.steer(product, rolloutId, 'abort');
  }

  private async steer(product: string, rolloutId: string, command: RolloutCommand) {
    const rollout = await this.changeState.execute(
      product,
      rolloutId,
      command,
      TraceContext.current().correlationId,
    );
    return this.reader.summary(rollout);
  }
}
