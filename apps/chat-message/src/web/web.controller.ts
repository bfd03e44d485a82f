import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { WEB_PAGE } from './page';

/** The minimal web chat client (one static page). */
@ApiExcludeController()
@Controller()
export class WebController {
  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-cache')
  index(): string {
    return WEB_PAGE;
  }
}
