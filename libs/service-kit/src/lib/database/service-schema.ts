/** Each service keeps its state in its own schema of the platform database: `tenant-registry` → `tenant_registry`. */
export const serviceSchemaOf = (service: string): string => service.replace(/-/g, '_');
