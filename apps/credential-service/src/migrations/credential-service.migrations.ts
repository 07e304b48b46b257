import { CreateRevokedRegistration1764700000000 } from './1764700000000-create-revoked-registration.migration';

/** The app's schema migrations, in order: the app and its integration tests run the same list. */
export const credentialServiceMigrations = [CreateRevokedRegistration1764700000000];
