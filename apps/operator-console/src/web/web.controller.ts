import { Controller, Get, NotFoundException, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { VENDOR_MODULES } from './console-assets';

/** The UI library's modules for the page's import map; the page itself is a static file. */
@Controller('vendor')
export class WebController {
  @Get(':file')
  vendor(@Param('file') file: string, @Res() response: Response) {
    const source = Object.hasOwn(VENDOR_MODULES, file) ? VENDOR_MODULES[file] : undefined;
    if (!source) throw new NotFoundException();
    response.type('text/javascript').sendFile(source, { maxAge: 3_600_000 });
  }
}
