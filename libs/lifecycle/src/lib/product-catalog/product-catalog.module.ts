import { serviceSchemaOf } from '@enclave/service-kit';
import { DynamicModule, Inject, Module, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProductVersionPublishedHandler } from './product-version-published.handler';
import { ProductVersionStore } from './product-version.store';

/**
 * For a stage that reads product manifests: its own catalog table, filled from
 * ProductVersionPublished, and the store to read it.
 */
@Module({})
export class ProductCatalogModule implements OnModuleInit {
  constructor(@Inject(ProductVersionStore) private readonly store: ProductVersionStore) {}

  static forService(service: string): DynamicModule {
    return {
      module: ProductCatalogModule,
      controllers: [ProductVersionPublishedHandler],
      providers: [
        {
          provide: ProductVersionStore,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new ProductVersionStore(dataSource, serviceSchemaOf(service)),
        },
      ],
      exports: [ProductVersionStore],
    };
  }

  // Before any consumer starts: a ProductVersionPublished must find its table.
  onModuleInit(): Promise<void> {
    return this.store.ensureTable();
  }
}
