import { ApiProperty } from '@nestjs/swagger';
import { Role } from '../entities/user.entity';

export class SignedInUserDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'organizer@demo.local' })
  email: string;

  @ApiProperty({ enum: Role, enumName: 'Role', example: Role.Organizer })
  role: Role;

  @ApiProperty({ example: 'Смирнова Елена Викторовна' })
  fullName: string;
}

export class LoginResponseDto {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`', example: 'k3J9…' })
  accessToken: string;

  @ApiProperty({ type: SignedInUserDto })
  user: SignedInUserDto;
}

export class AcceptedDto {
  @ApiProperty({ enum: ['accepted'], example: 'accepted' })
  status: 'accepted';
}
