/**
 * Cache-Control for the figures: they hold no personal data and change only with a new snapshot,
 * so the browser may keep an answer but must check it on every use (Express's ETag → 304): a
 * return visit costs headers, not answers. Only on success: an error keeps `no-store`, as every
 * other /api/v1 answer (server.ts). `private`: a shared cache never keeps one caller's figures.
 */
import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { tap, type Observable } from 'rxjs';

export const REVALIDATE_FIGURES = 'private, no-cache';

@Injectable()
export class RevalidateFigures implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(tap(() => context.switchToHttp().getResponse<Response>().setHeader('Cache-Control', REVALIDATE_FIGURES)));
  }
}
