import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { IS_PUBLIC, ROLES, SKIP_CSRF } from '../../src/accounts/current-user';
import { Role } from '../../src/accounts/entities/user.entity';
import type { TestApp } from './app';

/** One route as Nest registered it, with its access rules read from the decorators. */
export interface RouteInfo {
  method: string;
  path: string;
  roles: Role[] | undefined;
  isPublic: boolean;
  skipCsrf: boolean;
}

function joinPath(...parts: (string | undefined)[]): string {
  const p = parts
    .filter((x) => x !== undefined && x !== '' && x !== '/')
    .map((x) => x!.replace(/^\/+|\/+$/g, ''))
    .join('/');
  return `/${p}`;
}

/** Every controller route of the app (from metadata, so a new route is covered without editing the tests). */
export function registeredRoutes(t: TestApp): RouteInfo[] {
  const out: RouteInfo[] = [];
  for (const mod of t.app.get(ModulesContainer).values()) {
    for (const wrapper of mod.controllers.values()) {
      const ctrl = wrapper.metatype as (new (...a: unknown[]) => unknown) | undefined;
      if (!ctrl) continue;
      const base = [Reflect.getMetadata(PATH_METADATA, ctrl) as string | string[]].flat();
      const proto = ctrl.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (sub === undefined || method === undefined) continue;
        const roles = (Reflect.getMetadata(ROLES, handler) ?? Reflect.getMetadata(ROLES, ctrl)) as Role[] | undefined;
        const isPublic = Boolean(Reflect.getMetadata(IS_PUBLIC, handler) ?? Reflect.getMetadata(IS_PUBLIC, ctrl));
        const skipCsrf = Boolean(Reflect.getMetadata(SKIP_CSRF, handler) ?? Reflect.getMetadata(SKIP_CSRF, ctrl));
        for (const b of base)
          for (const s of [sub].flat()) out.push({ method: RequestMethod[method], path: joinPath(b, s), roles, isPublic, skipCsrf });
      }
    }
  }
  return out;
}

export const isPage = (path: string) => !path.startsWith('/api/');
