import { ConfigurableModuleBuilder } from '@nestjs/common';
import { TenancyModuleOptions } from './tenancy-module.options';

/** `TenancyModule.forRoot(options)` and `forRootAsync({ imports, inject, useFactory })`, global. */
export const {
  ConfigurableModuleClass: ConfigurableTenancyModule,
  MODULE_OPTIONS_TOKEN: TENANCY_OPTIONS,
} = new ConfigurableModuleBuilder<TenancyModuleOptions>()
  .setClassMethodName('forRoot')
  .setExtras({ global: true }, (definition, extras) => ({ ...definition, global: extras.global }))
  .build();
