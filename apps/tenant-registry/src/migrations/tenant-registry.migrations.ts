import { CreateRegistry1764300000000 } from './1764300000000-create-registry.migration';
import { TenantStatusAndCredentials1764400000000 } from './1764400000000-tenant-status-and-credentials.migration';
import { RegistrationRotation1764500000000 } from './1764500000000-registration-rotation.migration';
import { RegistrationRetries1764600000000 } from './1764600000000-registration-retries.migration';
import { ProductCatalog1764800000000 } from './1764800000000-product-catalog.migration';
import { Rollouts1764900000000 } from './1764900000000-rollouts.migration';
import { ProductTokenGeneration1765000000000 } from './1765000000000-product-token-generation.migration';
import { DeadLetters1765100000000 } from './1765100000000-dead-letters.migration';
import { ProductApiTokens1765200000000 } from './1765200000000-product-api-tokens.migration';
import { RegistrationLimits1765250000000 } from './1765250000000-registration-limits.migration';
import { TenantOffboarding1765300000000 } from './1765300000000-tenant-offboarding.migration';
import { OperatorTokensAndHistory1765350000000 } from './1765350000000-operator-tokens-and-history.migration';
import { IntakeRequests1765400000000 } from './1765400000000-intake-requests.migration';

/** The app's schema migrations, in order: the app and its integration tests run the same list. */
export const tenantRegistryMigrations = [
  CreateRegistry1764300000000,
  TenantStatusAndCredentials1764400000000,
  RegistrationRotation1764500000000,
  RegistrationRetries1764600000000,
  ProductCatalog1764800000000,
  Rollouts1764900000000,
  ProductTokenGeneration1765000000000,
  DeadLetters1765100000000,
  ProductApiTokens1765200000000,
  RegistrationLimits1765250000000,
  TenantOffboarding1765300000000,
  OperatorTokensAndHistory1765350000000,
  IntakeRequests1765400000000,
];
