import { CreateServiceStatus1764300000000 } from './1764300000000-create-service-status.migration';
import { AddServiceStatusRotation1764400000000 } from './1764400000000-add-service-status-rotation.migration';
import { AddServiceStatusRetries1764600000000 } from './1764600000000-add-service-status-retries.migration';
import { AddServiceStatusRelease1764700000000 } from './1764700000000-add-service-status-release.migration';
import { KeyRotationReportsByRotationId1764800000000 } from './1764800000000-key-rotation-reports-by-rotation-id.migration';

/** The app's schema migrations, in order: the app and its integration tests run the same list. */
export const readinessAggregatorMigrations = [
  CreateServiceStatus1764300000000,
  AddServiceStatusRotation1764400000000,
  AddServiceStatusRetries1764600000000,
  AddServiceStatusRelease1764700000000,
  KeyRotationReportsByRotationId1764800000000,
];
