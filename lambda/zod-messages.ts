/**
 * zod/mini carries no messages of its own: this gives it the English ones classic zod uses by
 * default, which the one-line errors quote. Imported for its effect by every module with a schema.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());
