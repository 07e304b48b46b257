/** Provider token of the console's validated config. */
export const CONSOLE_CONFIG = Symbol('CONSOLE_CONFIG');
