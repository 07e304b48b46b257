import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { RegistryClient } from '../platform/registry.client';
import { LoginDto } from './login.dto';
import { OperatorSession } from './operator-session';

/** Log in with an operator token, log out. The registry, not the console, decides who is an operator. */
@Controller('session')
export class SessionController {
  constructor(
    private readonly session: OperatorSession,
    private readonly registry: RegistryClient,
  ) {}

  @Get()
  state(@Req() request: Request) {
    return { loggedIn: this.session.isOpen(request) };
  }

  @Post()
  @HttpCode(204)
  async login(
    @Body() { token }: LoginDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    // Any operator route would do: a token the registry refuses never becomes a session.
    const reply = await this.registry.call(token, 'GET', '/v1/products');
    if (reply.status !== 200) throw new UnauthorizedException('the registry refused this token');
    this.session.begin(response, token, request.secure);
  }

  @Delete()
  @HttpCode(204)
  logout(@Res({ passthrough: true }) response: Response) {
    this.session.end(response);
  }
}
